/**
 * The bench's SMTP receiver on a thread of its own. On the bench's main thread it shared an event
 * loop with the open-loop publisher and the stage polling: at 100 trades/s its answers waited behind
 * them, and the mail lanes — not the service — set the pace of the avis.
 */
import { parentPort, Worker } from 'node:worker_threads';
import { startSmtpSink } from '@postera/testing';

export interface ThreadedSmtpSink {
  port: number;
  close(): Promise<void>;
}

/** Starts the sink (accept and count, no parsing) on a worker thread; resolves with its port. */
export async function startSmtpSinkThread(): Promise<ThreadedSmtpSink> {
  const worker = new Worker(new URL(import.meta.url));
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port: number }) => resolve(m.port));
    worker.once('error', reject);
  });
  return {
    port,
    close: async () => {
      worker.postMessage('close');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

if (parentPort) {
  const port = parentPort;
  const sink = await startSmtpSink({ port: 0, parse: false });
  port.on('message', (m) => {
    if (m === 'close') void sink.close().then(() => process.exit(0));
  });
  port.postMessage({ port: sink.port });
}
