import { randomBytes } from 'crypto';

/**
 * multipart/form-data built by hand: SIGNL4 takes attachments only as multipart parts with a file name, and a
 * Buffer body keeps the request byte-for-byte repeatable (a 429 is sent again unchanged) without a form-data
 * dependency.
 */

export interface MultipartFile {
	field: string;
	fileName: string;
	contentType: string;
	data: Buffer;
}

function quoted(value: string): string {
	// RFC 7578 §4.2: names go in a quoted-string; escape what would end it, drop line breaks.
	return value.replace(/[\r\n]+/g, ' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

export function buildMultipart(fields: Array<[string, string]>, files: MultipartFile[]): { body: Buffer; contentType: string } {
	const boundary = `----n8nSignl4${randomBytes(12).toString('hex')}`;
	const chunks: Buffer[] = [];
	for (const [name, value] of fields) {
		chunks.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`,
				'utf8',
			),
			Buffer.from(value, 'utf8'),
			Buffer.from('\r\n', 'utf8'),
		);
	}
	for (const file of files) {
		chunks.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.field)}"; filename="${quoted(file.fileName)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
				'utf8',
			),
			file.data,
			Buffer.from('\r\n', 'utf8'),
		);
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
