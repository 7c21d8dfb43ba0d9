import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resourceAttributes } from './attributes';
import { VERSION } from './version';

describe('resource attributes', () => {
  it('names the service, environment and distro', () => {
    const attrs = resourceAttributes({
      serviceName: 'shop',
      serviceVersion: '2.0.1',
      environment: 'prod',
    });
    expect(attrs).toMatchObject({
      'service.name': 'shop',
      'service.version': '2.0.1',
      'deployment.environment.name': 'prod',
      'telemetry.distro.name': 'otel-rum',
      'telemetry.distro.version': VERSION,
    });
  });
  it('omits what is not set', () => {
    const attrs = resourceAttributes({ serviceName: 'shop' });
    expect(attrs).not.toHaveProperty('service.version');
    expect(attrs).not.toHaveProperty('deployment.environment.name');
  });
  it('reports the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(VERSION).toBe(pkg.version);
  });
});
