/**
 * CPU time and peak memory of a process group from /proc (Linux): n8n runs in its own group (the harness starts it
 * detached), with its task runner(s) as children in the same group.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

let clockTicks: number | undefined;

function ticksPerSecond(): number {
	clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
	return clockTicks;
}

interface StatLine {
	pid: number;
	ppid: number;
	pgrp: number;
	utime: number;
	stime: number;
	cutime: number;
	cstime: number;
}

function readStat(pid: string): StatLine | undefined {
	let text: string;
	try {
		text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch {
		return undefined; // gone meanwhile
	}
	// pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ')'.
	const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
	// After the comm: [0] state, [1] ppid, [2] pgrp, … [11] utime, [12] stime, [13] cutime, [14] cstime.
	return {
		pid: Number(pid),
		ppid: Number(fields[1]),
		pgrp: Number(fields[2]),
		utime: Number(fields[11]),
		stime: Number(fields[12]),
		cutime: Number(fields[13]),
		cstime: Number(fields[14]),
	};
}

function groupMembers(pgid: number): StatLine[] {
	const members: StatLine[] = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const stat = readStat(entry);
		if (stat && stat.pgrp === pgid) members.push(stat);
	}
	return members;
}

/**
 * CPU seconds (user + system) used so far by the live processes of the group, plus what the group leader's reaped
 * children used (cutime + cstime), so a task runner that exited is still counted.
 */
export function groupCpuSeconds(pgid: number): number {
	let ticks = 0;
	for (const member of groupMembers(pgid)) {
		ticks += member.utime + member.stime;
		if (member.pid === pgid) ticks += member.cutime + member.cstime;
	}
	return ticks / ticksPerSecond();
}

function vmHwmBytes(pid: number): number | undefined {
	try {
		const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

/** Peak resident set (VmHWM) per process of the group, kept across samples (a child's peak survives its exit). */
export class PeakRss {
	private readonly peaks = new Map<number, { bytes: number; leader: boolean }>();

	constructor(private readonly pgid: number) {}

	sample(): void {
		for (const member of groupMembers(this.pgid)) {
			const bytes = vmHwmBytes(member.pid);
			if (bytes === undefined) continue;
			const known = this.peaks.get(member.pid);
			this.peaks.set(member.pid, { bytes: Math.max(bytes, known?.bytes ?? 0), leader: member.pid === this.pgid });
		}
	}

	/** The main process's peak and the largest child's, in bytes, and how many children were seen. */
	result(): { main: number; largestChild: number; children: number } {
		let main = 0;
		let largestChild = 0;
		let children = 0;
		for (const { bytes, leader } of this.peaks.values()) {
			if (leader) main = bytes;
			else {
				children++;
				largestChild = Math.max(largestChild, bytes);
			}
		}
		return { main, largestChild, children };
	}
}
