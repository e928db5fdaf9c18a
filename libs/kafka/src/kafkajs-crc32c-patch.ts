// kafkajs checksums each record batch it produces with a byte-at-a-time CRC-32C; crc32c.ts gives
// the same value eight bytes per step. Must run before kafkajs's record batch encoder loads (it
// captures the checksum function then): kafka-client.ts imports it ahead of kafkajs.
import { crc32c } from './crc32c.ts';
import { replaceExport } from './kafkajs-replace-export.ts';

replaceExport('kafkajs/src/protocol/recordBatch/crc32C/index.js', 'unsigned(crc32C(buffer))', crc32c);
