export { createLogger, type Logger } from './logger.ts';
export { createMetricsRegistry, Counter, Gauge, Histogram, Registry } from './metrics.ts';
export { startOpsServer, type OpsServer, type ReadinessCheck } from './http-server.ts';
