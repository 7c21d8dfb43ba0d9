#!/usr/bin/env node
// Static checks of docker-compose.yml (no Docker engine needed):
//  1. it validates against the Compose Specification JSON schema (draft-07), kept in the repo at
//     schemas/compose-spec.json (or $COMPOSE_SCHEMA);
//  2. every host path it bind-mounts exists, and so does every repo file a service runs
//     (`node <file>`); demo/web/dist is a build output, so its source dir demo/web is checked;
//     Every `build:` context exists with its Dockerfile, and so does every file the Dockerfile
//     COPYs from the context;
//  3. the collector service is our image otel-rum/otelcol-rum at otel-collector/VERSION, built
//     from otel-collector/Dockerfile (whose OTELCOL_VERSION is that version too), mounts
//     otel-collector/config.yaml, the config the pipeline tests run, and exports traces to
//     RUM_TRACES_OTLP_ENDPOINT; the demo's source maps reach the sourcemap processor's layout,
//     <RUM_SOURCEMAP_DIR>/<service.name>/<service.version>/<script path>.map, for the service,
//     version and script of demo/web/index.html (the `build` service copies them into a volume
//     the collector mounts at RUM_SOURCEMAP_DIR);
//  4. the trace stores: tempo runs a released grafana/tempo image (no Tempo is built here) on
//     tempo/tempo.yaml; the `jaeger` profile's jaeger runs jaegertracing/jaeger at the Jaeger v2
//     release of jaeger/VERSION's module version (v1.75.0 -> 2.12.0), on jaeger/config.yaml.
// Exits 1 listing every failure.
//   node scripts/grafana/validate-compose.mjs [compose file]   (default: docker-compose.yml;
//   relative paths in it are the repo's either way)
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { shopIdentity } from '../lib/shop.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const file = resolve(process.argv[2] ?? join(root, 'docker-compose.yml'));
const schemaPath = process.env.COMPOSE_SCHEMA ?? join(root, 'schemas/compose-spec.json');
/** Build outputs the compose file mounts or points at -> the source dir checked instead. */
const BUILD_OUTPUTS = { 'demo/web/dist': 'demo/web' };

const failures = [];
const ok = (msg) => console.log(`ok   ${msg}`);
const fail = (msg) => failures.push(msg);

if (!existsSync(schemaPath)) {
  console.error(
    `FAIL: Compose Specification schema not found at ${schemaPath}\n` +
      '  expected schemas/compose-spec.json in the repo (set COMPOSE_SCHEMA to override)',
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
if (validate(compose))
  ok(`${relative(root, file)} validates against ${relative(root, schemaPath)}`);
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

// build contexts: the directory, its Dockerfile, and what the Dockerfile copies from it
for (const [name, svc] of Object.entries(compose.services ?? {})) {
  if (!svc.build) continue;
  const build = typeof svc.build === 'string' ? { context: svc.build } : svc.build;
  const context = (build.context ?? '.').replace(/^\.\/?/, '').replace(/\/$/, '') || '.';
  if (!existsSync(join(root, context))) {
    fail(`${name} build: context ${context} does not exist`);
    continue;
  }
  ok(`${name} build: context ${context} exists`);
  if (build.dockerfile_inline) continue;
  const dockerfile = join(context, build.dockerfile ?? 'Dockerfile');
  if (!existsSync(join(root, dockerfile))) {
    fail(`${name} build: ${dockerfile} does not exist`);
    continue;
  }
  ok(`${name} build: ${dockerfile} exists`);
  // COPY [--chown=..] src... dest, from the context (not --from=<stage>)
  for (const line of readFileSync(join(root, dockerfile), 'utf8').split('\n')) {
    const words = line.trim().split(/\s+/);
    if (!/^(COPY|ADD)$/i.test(words[0] ?? '')) continue;
    const args = words.slice(1);
    if (args.some((a) => a.startsWith('--from'))) continue;
    const sources = args.filter((a) => !a.startsWith('--')).slice(0, -1);
    for (const src of sources) {
      const rel = join(context, src);
      if (existsSync(join(root, rel))) ok(`${name} build: ${dockerfile} copies ${rel}`);
      else fail(`${name} build: ${dockerfile} copies ${rel}, which does not exist`);
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

// 3. the collector is the tested one: our build (the contrib image has no sourcemap processor)
const version = readFileSync(join(root, 'otel-collector/VERSION'), 'utf8').trim();
const collector = compose.services?.collector ?? {};
image('collector', `otel-rum/otelcol-rum:${version}`, 'otel-collector/VERSION, our build');
const collectorBuild =
  typeof collector.build === 'string' ? { context: collector.build } : collector.build;
if (collectorBuild?.context?.replace(/^\.\//, '').replace(/\/$/, '') === 'otel-collector')
  ok('collector is built from otel-collector/ (its Dockerfile: the Builder manifest)');
else
  fail(`collector must be built from ./otel-collector (build: ${JSON.stringify(collector.build)})`);
const dockerfileText = (() => {
  try {
    return readFileSync(
      join(root, 'otel-collector', collectorBuild?.dockerfile ?? 'Dockerfile'),
      'utf8',
    );
  } catch {
    return '';
  }
})();
const argDefault = /^ARG OTELCOL_VERSION=(\S+)/m.exec(dockerfileText)?.[1];
const argGiven = collectorBuild?.args?.OTELCOL_VERSION ?? argDefault;
if (String(argGiven) === version)
  ok(`collector image built at OTELCOL_VERSION ${version} (otel-collector/VERSION)`);
else
  fail(
    `collector build OTELCOL_VERSION is ${argGiven} (Dockerfile default ${argDefault}), expected ${version} (otel-collector/VERSION)`,
  );
runsMounted('collector', './otel-collector/config.yaml', '--config');
const collectorEnv = collector.environment ?? {};
if (
  'RUM_TRACES_OTLP_ENDPOINT' in collectorEnv &&
  !Object.keys(collectorEnv).some((k) => k.startsWith('RUM_TEMPO_'))
)
  ok('collector exports traces to RUM_TRACES_OTLP_ENDPOINT');
else fail('collector must set RUM_TRACES_OTLP_ENDPOINT (the RUM_TEMPO_* names are gone)');

// Source maps: the demo's service, version and script, as its page sets them up
const page = readFileSync(join(root, 'demo/web/index.html'), 'utf8');
const shopBuild = readFileSync(join(root, 'demo/web/build.mjs'), 'utf8');
const { service, version: serviceVersion, script } = shopIdentity(page);
if (!service || !serviceVersion || !script)
  fail(`demo/web/index.html: no serviceName / serviceVersion / app script found`);
else if (
  !shopBuild.includes(`outfile: join(out, '${script}')`) ||
  !/sourcemap: true/.test(shopBuild)
)
  fail(`demo/web/build.mjs must write ${script} with its source map (outfile, sourcemap: true)`);
else {
  const mapRel = `${service}/${serviceVersion}/${script}.map`;
  const dir = collectorEnv.RUM_SOURCEMAP_DIR;
  /** The volume (named) the collector mounts at RUM_SOURCEMAP_DIR. */
  const volumeAt = (svc, target) =>
    (svc?.volumes ?? [])
      .map((v) => (typeof v === 'string' ? v.split(':') : [v.source, v.target]))
      .find(([, t]) => t?.replace(/\/$/, '') === target)?.[0];
  const volume = dir ? volumeAt(collector, dir) : undefined;
  if (!dir || !volume || /^[./~]/.test(volume))
    fail(
      `collector must mount a named volume at its RUM_SOURCEMAP_DIR (${dir}) for the demo's maps`,
    );
  else {
    ok(`collector reads source maps from volume ${volume} at RUM_SOURCEMAP_DIR ${dir}`);
    // the service that fills it: copies demo/web/dist/<script>.map to <mount>/<service>/<version>/
    const writers = Object.entries(compose.services ?? {}).flatMap(([name, svc]) => {
      const mount = (svc.volumes ?? []).find(
        (v) => typeof v === 'string' && v.split(':')[0] === volume && !v.endsWith(':ro'),
      );
      if (!mount) return [];
      const target = mount.split(':')[1].replace(/\/$/, '');
      const cmd = (
        Array.isArray(svc.command) ? svc.command.join(' ') : String(svc.command ?? '')
      ).replace(/\s+/g, ' ');
      const copy = `cp demo/web/dist/${script}.map ${target}/${mapRel}`;
      const mkdir = `mkdir -p ${target}/${dirname(mapRel)}`;
      return [
        { name, copies: cmd.includes(mkdir) && cmd.includes(copy), copy: `${mkdir} && ${copy}` },
      ];
    });
    const writer = writers.find((w) => w.copies);
    if (writer)
      ok(
        `${writer.name} copies the demo's ${script}.map to ${dir}/${mapRel} (demo/web/index.html: ${service} ${serviceVersion})`,
      );
    else
      fail(
        `no service copies the demo's map into volume ${volume} as ${mapRel} (demo/web/index.html: ${service} ${serviceVersion}); expected e.g. \`${writers[0]?.copy ?? `cp demo/web/dist/${script}.map <mount>/${mapRel}`}\``,
      );
    const demoDeps = compose.services?.demo?.depends_on ?? {};
    if (writer && demoDeps[writer.name]?.condition === 'service_completed_successfully')
      ok(`demo starts after ${writer.name} completed: no error before the maps are there`);
    else if (writer) fail(`demo must depend on ${writer.name} (service_completed_successfully)`);
  }
}

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
