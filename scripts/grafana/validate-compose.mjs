#!/usr/bin/env node
// Static checks of docker-compose.yml (no Docker engine needed):
//  1. it validates against the Compose Specification JSON schema (draft-07), taken from
//     ../shared/schemas/compose-spec.json relative to the repo root (or $COMPOSE_SCHEMA);
//  2. every host path it bind-mounts exists, and so does every repo file a service runs
//     (`node <file>`); demo/web/dist is a build output, so its source dir demo/web is checked;
//  3. the collector service runs otel/opentelemetry-collector-contrib at otel-collector/VERSION
//     and mounts otel-collector/config.yaml, the config the pipeline tests run, and exports traces
//     to RUM_TRACES_OTLP_ENDPOINT;
//  4. the trace stores: tempo runs a released grafana/tempo image (no Tempo is built here) on
//     tempo/tempo.yaml; the `jaeger` profile's jaeger runs jaegertracing/jaeger at the Jaeger v2
//     release of jaeger/VERSION's module version (v1.75.0 -> 2.12.0), on jaeger/config.yaml.
// Exits 1 listing every failure.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const file = join(root, 'docker-compose.yml');
const schemaPath =
  process.env.COMPOSE_SCHEMA ?? resolve(root, '..', 'shared/schemas/compose-spec.json');
/** Build outputs the compose file mounts or points at -> the source dir checked instead. */
const BUILD_OUTPUTS = { 'demo/web/dist': 'demo/web' };

const failures = [];
const ok = (msg) => console.log(`ok   ${msg}`);
const fail = (msg) => failures.push(msg);

if (!existsSync(schemaPath)) {
  console.error(
    `FAIL: Compose Specification schema not found at ${schemaPath}\n` +
      '  expected ../shared/schemas/compose-spec.json next to the repo (set COMPOSE_SCHEMA to override)',
  );
  process.exit(1);
}
const compose = parse(readFileSync(file, 'utf8'));

// 1. schema
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
// The schema names draft-07 as https://json-schema.org/draft-07/schema; Ajv knows that
// meta-schema as http://json-schema.org/draft-07/schema# (same draft).
if (/draft-07/.test(schema.$schema ?? ''))
  schema.$schema = 'http://json-schema.org/draft-07/schema#';
const validate = ajv.compile(schema);
if (validate(compose)) ok(`docker-compose.yml validates against ${relative(root, schemaPath)}`);
else
  for (const e of validate.errors)
    fail(`schema: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);

// 2. mounted host paths and the repo files services run
/** A repo-relative path exists, or for a build output its source dir does. */
function checkRepoPath(rel, what) {
  const clean = rel.replace(/^\.\//, '').replace(/\/$/, '') || '.';
  const output = Object.keys(BUILD_OUTPUTS).find((o) => clean === o || clean.startsWith(`${o}/`));
  if (output) {
    const src = BUILD_OUTPUTS[output];
    if (existsSync(join(root, src)))
      ok(`${what}: ${clean} is a build output; its source ${src}/ exists`);
    else fail(`${what}: ${clean} is a build output and its source ${src}/ does not exist`);
    return;
  }
  if (existsSync(join(root, clean))) ok(`${what}: ${clean} exists`);
  else fail(`${what}: ${clean} does not exist`);
}

for (const [name, svc] of Object.entries(compose.services ?? {})) {
  for (const v of svc.volumes ?? []) {
    const source =
      typeof v === 'string' ? v.split(':')[0] : v.type === 'bind' ? v.source : undefined;
    if (!source || !/^[./~]/.test(source)) continue; // named volume
    checkRepoPath(source, `${name} mounts`);
  }
  // `node <file>` with the repo mounted at working_dir: the file must be in the repo
  const cmd = Array.isArray(svc.command) ? svc.command : [];
  const repoMount = (svc.volumes ?? []).find((v) => typeof v === 'string' && v.startsWith('.:'));
  if (cmd[0] === 'node' && cmd[1] && !cmd[1].startsWith('-') && repoMount) {
    checkRepoPath(cmd[1], `${name} runs`);
  }
  for (const [key, value] of Object.entries(svc.environment ?? {})) {
    if (typeof value === 'string' && repoMount && value.startsWith(`${svc.working_dir}/`)) {
      checkRepoPath(value.slice(svc.working_dir.length + 1), `${name} ${key}`);
    }
  }
}

/**
 * The service bind-mounts `hostPath` and passes its container path to `flag` (`--flag=path` or
 * `--flag path`): it runs the repo's file.
 */
function runsMounted(name, hostPath, flag) {
  const svc = compose.services?.[name];
  const mount = (svc?.volumes ?? []).find(
    (v) => typeof v === 'string' && v.split(':')[0] === hostPath,
  );
  const target = mount?.split(':')[1];
  const cmd = Array.isArray(svc?.command) ? svc.command : [];
  const i = cmd.indexOf(flag);
  const arg =
    i >= 0 ? cmd[i + 1] : cmd.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  if (mount && target === arg) ok(`${name} runs ${hostPath} (mounted at ${target})`);
  else
    fail(`${name} must mount ${hostPath} and run it with ${flag} (mount ${mount}, ${flag} ${arg})`);
}

/** The service's image is `repo:tag` exactly. */
function image(name, expected, why) {
  const actual = compose.services?.[name]?.image;
  if (actual === expected) ok(`${name} image ${expected} (${why})`);
  else fail(`${name} image is ${actual}, expected ${expected} (${why})`);
}

// 3. the collector is the tested one
const version = readFileSync(join(root, 'otel-collector/VERSION'), 'utf8').trim();
image('collector', `otel/opentelemetry-collector-contrib:${version}`, 'otel-collector/VERSION');
runsMounted('collector', './otel-collector/config.yaml', '--config');
const collectorEnv = compose.services?.collector?.environment ?? {};
if (
  'RUM_TRACES_OTLP_ENDPOINT' in collectorEnv &&
  !Object.keys(collectorEnv).some((k) => k.startsWith('RUM_TEMPO_'))
)
  ok('collector exports traces to RUM_TRACES_OTLP_ENDPOINT');
else fail('collector must set RUM_TRACES_OTLP_ENDPOINT (the RUM_TEMPO_* names are gone)');

// 4. the trace stores
const tempoImage = compose.services?.tempo?.image ?? '';
if (/^grafana\/tempo:\d+\.\d+\.\d+$/.test(tempoImage))
  ok(`tempo image ${tempoImage}: a released image, pulled, not built`);
else fail(`tempo image is ${tempoImage}, expected a release tag grafana/tempo:X.Y.Z`);
runsMounted('tempo', './tempo/tempo.yaml', '-config.file');
// Jaeger tags each release twice on one commit: v1.<n> (the Go module the tests build) and
// v2.<n - 63> (Jaeger v2, the image tag), e.g. v1.75.0 / v2.12.0; as in build-go-program.sh.
const [, minor, patch] = readFileSync(join(root, 'jaeger/VERSION'), 'utf8')
  .trim()
  .slice(1)
  .split('.');
image('jaeger', `jaegertracing/jaeger:2.${Number(minor) - 63}.${patch}`, 'jaeger/VERSION');
runsMounted('jaeger', './jaeger/config.yaml', '--config');
if ((compose.services?.jaeger?.profiles ?? []).includes('jaeger'))
  ok('jaeger runs only with --profile jaeger (Tempo is the default trace store)');
else fail('jaeger must be in the `jaeger` profile');

if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log('docker-compose.yml: all static checks passed (not run: no Docker engine here)');
