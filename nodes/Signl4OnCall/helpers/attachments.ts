import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from '../../shared/signl4/constants';

/** What SIGNL4 accepts as an attachment: its documented types, at most 4 MB each (pure checks, unit-tested). */

export interface AttachmentCandidate {
	property: string;
	fileName?: string;
	mimeType?: string;
	size: number;
}

export type AttachmentVerdict = { ok: true; contentType: string; fileName: string } | { ok: false; reason: string };

function extensionOf(fileName: string | undefined): string | undefined {
	const match = /\.([A-Za-z0-9]+)$/.exec(fileName ?? '');
	return match ? match[1].toLowerCase() : undefined;
}

/** The content type SIGNL4 should see, from the MIME type or else the file extension; undefined if unsupported. */
export function supportedContentType(mimeType: string | undefined, fileName: string | undefined): string | undefined {
	const type = (mimeType ?? '').split(';')[0].trim().toLowerCase();
	if (type && ATTACHMENT_TYPES[type]) return type;
	const extension = extensionOf(fileName);
	if (!extension) return undefined;
	const byExtension = Object.entries(ATTACHMENT_TYPES).find(([, extensions]) => extensions.includes(extension));
	return byExtension?.[0];
}

export function checkAttachment(candidate: AttachmentCandidate): AttachmentVerdict {
	const contentType = supportedContentType(candidate.mimeType, candidate.fileName);
	const label = candidate.fileName ? `'${candidate.fileName}' (binary property '${candidate.property}')` : `binary property '${candidate.property}'`;
	if (!contentType) {
		return {
			ok: false,
			reason: `${label} is ${candidate.mimeType || 'of unknown type'}; SIGNL4 accepts PNG, TIFF, JPEG, GIF, BMP, MP3, WAV, AIFF, M4A, TXT, PDF, MOV and MP4`,
		};
	}
	if (candidate.size > MAX_ATTACHMENT_BYTES) {
		return { ok: false, reason: `${label} is ${(candidate.size / 1024 / 1024).toFixed(1)} MB; SIGNL4 accepts at most 4 MB per attachment` };
	}
	if (candidate.size === 0) return { ok: false, reason: `${label} is empty` };
	const extensions = ATTACHMENT_TYPES[contentType];
	const fileName = candidate.fileName && extensionOf(candidate.fileName) ? candidate.fileName : `${candidate.property}.${extensions[0]}`;
	return { ok: true, contentType, fileName };
}
