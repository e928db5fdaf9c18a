import { SchemaRegistry, COMPATIBILITY } from '@kafkajs/confluent-schema-registry';
import type { RegistrySettings } from '@clearway/config';

export { SchemaRegistry };

/** Registry client with basic auth from settings; the URL may carry a path (e.g. Apicurio's /apis/ccompat/v7). */
export function createSchemaRegistry(settings: RegistrySettings): SchemaRegistry {
  return new SchemaRegistry({
    host: settings.SCHEMA_REGISTRY_URL.replace(/\/$/, ''),
    ...(settings.SCHEMA_REGISTRY_USERNAME && settings.SCHEMA_REGISTRY_PASSWORD
      ? {
          auth: {
            username: settings.SCHEMA_REGISTRY_USERNAME,
            password: settings.SCHEMA_REGISTRY_PASSWORD.reveal(),
          },
        }
      : {}),
    retry: { retries: 5, initialRetryTimeInSecs: 0.2, maxRetryTimeInSecs: 5 },
  });
}

export const BACKWARD = COMPATIBILITY.BACKWARD;
