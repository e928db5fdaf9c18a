import type { Message } from 'kafkajs';

// Kafka refuses a record batch over max.message.bytes (1 MiB by default); a large input batch can
// produce more than that, so outputs go out in requests of at most this many bytes of values.
export const MAX_REQUEST_BYTES = 512 * 1024;

export function chunkBySize(
  byTopic: Map<string, Message[]>,
  maxBytes: number,
): { topic: string; messages: Message[] }[][] {
  const chunks: { topic: string; messages: Message[] }[][] = [];
  let current: { topic: string; messages: Message[] }[] = [];
  let size = 0;
  for (const [topic, messages] of byTopic) {
    let run: Message[] = [];
    for (const m of messages) {
      const bytes = (m.value as Buffer | null)?.length ?? 0;
      if (size + bytes > maxBytes && size > 0) {
        if (run.length > 0) current.push({ topic, messages: run });
        chunks.push(current);
        current = [];
        run = [];
        size = 0;
      }
      run.push(m);
      size += bytes + 64;
    }
    if (run.length > 0) current.push({ topic, messages: run });
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
