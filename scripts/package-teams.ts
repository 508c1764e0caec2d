/**
 * Builds the Teams app package to upload in Teams: `MICROSOFT_APP_ID=<guid> npm run package:teams`.
 * Takes manifests/teams/manifest.json, puts MICROSOFT_APP_ID into the app id, the bot and message
 * extension ids and the webApplicationInfo id (resource-specific consent), checks the result against the
 * vendored manifest schema 1.17 (offline) and writes dist/po-desk-teams.zip with manifest.json, color.png
 * and outline.png at the root of the zip, where Teams looks for them.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { ErrorObject, ValidateFunction } from 'ajv';
import ajvDraft04 from 'ajv-draft-04';
import { strToU8, zipSync } from 'fflate';

const ROOT = path.resolve(import.meta.dirname, '..');
export const MANIFEST_DIR = path.join(ROOT, 'manifests/teams');
export const DEFAULT_OUT_FILE = path.join(ROOT, 'dist/po-desk-teams.zip');
const SCHEMA_FILE = path.join(MANIFEST_DIR, 'schema/MicrosoftTeams.schema.v1.17.json');

// ajv-draft-04 is CommonJS; under NodeNext its default import is the module object, whose `default` is the class.
const Ajv04 = ajvDraft04.default;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The committed manifest's stand-in for the real app id. */
export const PLACEHOLDER_APP_ID = '00000000-0000-0000-0000-000000000000';

/** The parts of the manifest this script reads or rewrites; the schema checks the rest. */
export interface TeamsManifest {
  id: string;
  icons: { color: string; outline: string };
  bots?: { botId: string }[];
  composeExtensions?: { botId?: string }[];
  webApplicationInfo?: { id: string; resource?: string };
  [key: string]: unknown;
}

export type PackageErrorCode = 'TEAMS_APP_ID_INVALID' | 'TEAMS_MANIFEST_INVALID';

export class PackageError extends Error {
  constructor(
    readonly code: PackageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PackageError';
  }
}

export interface PackageOptions {
  /** The bot's Microsoft App ID (MICROSOFT_APP_ID); becomes the Teams app id and the bot id. */
  appId: string | undefined;
  outFile: string;
  /** Folder with manifest.json and the icons; tests pass their own. */
  manifestDir?: string;
}

export interface PackageResult {
  outFile: string;
  manifest: TeamsManifest;
  /** File names at the root of the zip. */
  files: string[];
}

let validator: ValidateFunction | undefined;

async function manifestValidator(): Promise<ValidateFunction> {
  if (validator) return validator;
  // The Teams schemas are draft-04. strictTypes off: upstream puts `additionalProperties` on schemas without
  // `type: "object"`, which is valid draft-04 and only makes strict mode log noise. The one format it uses,
  // "uri" (on `$schema`), is checked here rather than pulling in ajv-formats.
  const ajv = new Ajv04({ allErrors: true, strictTypes: false });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  const compiled = ajv.compile(JSON.parse(await readFile(SCHEMA_FILE, 'utf8')) as object);
  validator = compiled;
  return compiled;
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  const allowed = 'allowedValues' in error.params ? ` (${(error.params.allowedValues as unknown[]).join(', ')})` : '';
  return `${where}: ${error.message ?? error.keyword}${allowed}`;
}

/** Problems with a manifest against the Teams manifest schema 1.17, one line each; empty when valid. */
export async function validateTeamsManifest(manifest: unknown): Promise<string[]> {
  const validate = await manifestValidator();
  return validate(manifest) ? [] : (validate.errors ?? []).map(describeError);
}

function checkAppId(appId: string | undefined): string {
  const value = appId?.trim() ?? '';
  if (value === '') {
    throw new PackageError('TEAMS_APP_ID_INVALID', 'MICROSOFT_APP_ID: required — the bot\'s Microsoft App ID, a GUID (from the environment)');
  }
  if (!GUID.test(value)) {
    throw new PackageError('TEAMS_APP_ID_INVALID', `MICROSOFT_APP_ID: expected a GUID like 12345678-9abc-def0-1234-56789abcdef0, got ${JSON.stringify(value)} (from the environment)`);
  }
  if (value === PLACEHOLDER_APP_ID) {
    throw new PackageError('TEAMS_APP_ID_INVALID', "MICROSOFT_APP_ID: the all-zero GUID is the manifest's placeholder, not an app id (from the environment)");
  }
  return value;
}

/** Writes the Teams app package (a zip) for the given app id; throws PackageError with what to fix. */
export async function packageTeamsApp({ appId, outFile, manifestDir = MANIFEST_DIR }: PackageOptions): Promise<PackageResult> {
  const id = checkAppId(appId);
  const template = JSON.parse(await readFile(path.join(manifestDir, 'manifest.json'), 'utf8')) as TeamsManifest;
  const manifest: TeamsManifest = {
    ...template,
    id,
    ...(template.bots && { bots: template.bots.map((bot, index) => (index === 0 ? { ...bot, botId: id } : bot)) }),
    ...(template.composeExtensions && { composeExtensions: template.composeExtensions.map((extension) => ({ ...extension, botId: id })) }),
    // Resource-specific consent names the app's Azure AD app: for a bot, its Microsoft App ID.
    ...(template.webApplicationInfo && { webApplicationInfo: { ...template.webApplicationInfo, id } }),
  };

  const problems = await validateTeamsManifest(manifest);
  if (problems.length > 0) {
    throw new PackageError('TEAMS_MANIFEST_INVALID', `manifest.json does not match the Teams manifest schema 1.17:\n  ${problems.join('\n  ')}`);
  }

  const files = {
    'manifest.json': strToU8(`${JSON.stringify(manifest, null, 2)}\n`),
    [manifest.icons.color]: await readFile(path.join(manifestDir, manifest.icons.color)),
    [manifest.icons.outline]: await readFile(path.join(manifestDir, manifest.icons.outline)),
  };
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, zipSync(files, { level: 9 }));
  return { outFile, manifest, files: Object.keys(files) };
}

async function main(env: Record<string, string | undefined> = process.env): Promise<void> {
  try {
    const { outFile, files } = await packageTeamsApp({ appId: env.MICROSOFT_APP_ID, outFile: DEFAULT_OUT_FILE });
    process.stdout.write(`po-desk: wrote ${path.relative(process.cwd(), outFile)} (${files.join(', ')}); upload it in Teams → Apps → Manage your apps → Upload an app\n`);
  } catch (error) {
    if (!(error instanceof PackageError)) throw error;
    process.stderr.write(`po-desk: package:teams: ${error.message}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] === import.meta.filename) await main();
