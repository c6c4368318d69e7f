/**
 * Whether a process with this pid exists in this PID namespace (signal 0 sends nothing; EPERM
 * means it exists but belongs to someone else).
 */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
