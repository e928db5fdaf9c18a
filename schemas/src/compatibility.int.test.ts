// The registry, not our code, must refuse a change that breaks consumers (BACKWARD).
import { createTestPlatform, stackEnv, type TestPlatform } from '@clearway/test';
import { valueSubject } from '@clearway/infra';
import { declarationSchema } from './generated/schemas.ts';

describe('schema registry compatibility', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform('compat');
  });
  afterAll(async () => platform.close());

  const registryUrl = () => stackEnv()['SCHEMA_REGISTRY_URL']!.replace(/\/$/, '');
  const post = (subject: string, schema: unknown) =>
    fetch(`${registryUrl()}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify(schema) }),
    });

  it('sets BACKWARD compatibility on every subject it provisions', async () => {
    const subject = valueSubject(platform.topics.declarations);
    const response = await fetch(`${registryUrl()}/config/${encodeURIComponent(subject)}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { compatibilityLevel?: string; compatibility?: string };
    expect(body.compatibilityLevel ?? body.compatibility).toBe('BACKWARD');
  });

  it('refuses an incompatible change: a new required field without a default', async () => {
    const subject = valueSubject(platform.topics.declarations);
    const broken = {
      ...declarationSchema,
      fields: [...declarationSchema.fields, { name: 'riskOfficer', type: 'string' }],
    };
    const response = await post(subject, broken);
    expect(response.status).toBe(409);
  });

  it('refuses an incompatible change: a field retyped from string to int', async () => {
    const subject = valueSubject(platform.topics.declarations);
    const retyped = {
      ...declarationSchema,
      fields: declarationSchema.fields.map((f) => (f.name === 'port' ? { ...f, type: 'int' } : f)),
    };
    expect((await post(subject, retyped)).status).toBe(409);
  });

  it('accepts a compatible change: a new optional field with a default', async () => {
    const subject = valueSubject(platform.topics.declarations);
    const evolved = {
      ...declarationSchema,
      fields: [...declarationSchema.fields, { name: 'remarks', type: ['null', 'string'], default: null }],
    };
    const response = await post(subject, evolved);
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: number };
    expect(id).toBeGreaterThan(0);
  });
});
