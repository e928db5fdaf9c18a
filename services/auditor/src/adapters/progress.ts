// A progress bar with ETA on stderr for long runs; silent when stderr is not a terminal.
export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let lastDraw = 0;
  const enabled = stream.isTTY === true;
  return {
    update: (done: number, total: number): void => {
      const now = Date.now();
      if (!enabled || (now - lastDraw < 100 && done < total)) return;
      lastDraw = now;
      const share = total === 0 ? 1 : Math.min(1, done / total);
      const width = 30;
      const filled = Math.round(share * width);
      const elapsed = (now - started) / 1000;
      const rate = elapsed > 0 ? done / elapsed : 0;
      const eta = rate > 0 ? (total - done) / rate : 0;
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)} % ${done}/${total} records, ${rate.toFixed(0)}/s, ETA ${eta.toFixed(0)} s `,
      );
    },
    done: (): void => {
      if (enabled) stream.write('\n');
    },
  };
}
