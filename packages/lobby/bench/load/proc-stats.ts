/**
 * Reads another process's CPU time and resident memory from `/proc`, so the
 * server's cost is measured in its own process and not mixed with the load
 * generator's.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** Kernel clock ticks per second (`getconf CLK_TCK`), the unit of `/proc/<pid>/stat` CPU times. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    let value = 100;
    try {
      const parsed = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      if (Number.isInteger(parsed) && parsed > 0) value = parsed;
    } catch {
      // getconf missing: Linux has used 100 on every mainstream architecture for decades.
    }
    ticksPerSecond = value;
  }
  return ticksPerSecond;
}

/** CPU time a process has used so far, in seconds (all its threads). */
export interface CpuTimes {
  /** User mode (utime). */
  user: number;
  /** Kernel mode (stime): system calls, and on loopback much of the TCP work of both ends. */
  system: number;
}

/** CPU time a process has used so far, from `/proc/<pid>/stat` (clock-tick resolution). */
export function processCpuTimes(pid: number): CpuTimes {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 (utime) and 15 (stime) of proc(5) are indexes 11 and 12 after the name.
  const tick = clockTicksPerSecond();
  return { user: Number(fields[11]) / tick, system: Number(fields[12]) / tick };
}

/** A line of `/proc/<pid>/status`, e.g. `VmRSS` or `Cpus_allowed_list`. */
export function processStatusField(pid: number | 'self', field: string): string | undefined {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const line = status.split('\n').find((candidate) => candidate.startsWith(`${field}:`));
  return line?.slice(field.length + 1).trim();
}

/** Resident set size of a process, KiB (`VmRSS`). */
export function processRssKiB(pid: number): number {
  const value = processStatusField(pid, 'VmRSS');
  if (value === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number.parseInt(value, 10);
}

/** CPU time every CPU of the host has spent busy so far (all processes), seconds, from `/proc/stat`. */
export function hostBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  // cpu user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait.
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return (
    ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) /
    clockTicksPerSecond()
  );
}
