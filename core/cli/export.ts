import { chmod, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { labName } from '../api/contract';
import type { ReportFormat } from '../export';
import { writeFileAtomic } from '../state/atomic-file';
import { writeProblem } from '../state/file-errors';
import type { LabRecord } from '../state/lab-record';
import { LabStore } from '../state/lab-store';
import { defaultStateDir } from '../state/state-dir';
import { CliError } from './errors';
import { labOption } from './lab-options';

interface ExportFlags {
  lab: string;
  format: 'nginx' | 'compose' | 'report';
  out: string;
  stateDir: string;
  force?: boolean;
}

interface OutputFile {
  path: string;
  text: string;
}

export function registerExport(program: Command): void {
  labOption(
    program
      .command('export')
      .description("write a saved lab's nginx.conf, Docker Compose project or run report")
      .addOption(
        new Option('--format <format>', 'nginx, compose (compose.yaml + nginx.conf beside it) or report')
          .choices(['nginx', 'compose', 'report'])
          .makeOptionMandatory(),
      )
      .requiredOption(
        '--out <path>',
        'file to write; a report is JSON, CSV or HTML by its extension (default HTML)',
      )
      .option('--state-dir <dir>', 'where labs are saved', defaultStateDir())
      .option('--force', 'compose: replace compose.yaml and the nginx.conf beside it if they exist'),
  ).action(async (flags: ExportFlags) => {
    const record = await loadLab(flags.lab, flags.stateDir);
    const files = outputs(await import('../export'), record, flags.format, resolve(flags.out));
    // Every path checked before the first write, so compose does not leave half a project.
    for (const file of files) await refuseFolder(file.path, flags.format);
    // A compose project lands in a folder that may be the student's own (their nginx.conf too).
    if (flags.format === 'compose' && !flags.force) await refuseOverwrite(files);
    for (const file of files) {
      try {
        await writeFileAtomic(file.path, file.text);
        // Exports are handed in and mounted into containers, not private like the lab files.
        await chmod(file.path, 0o644);
      } catch (error) {
        throw new CliError(`--out: ${writeProblem(file.path, error)}`);
      }
      process.stdout.write(`wrote ${file.path}\n`);
    }
    if (flags.format === 'compose') {
      process.stdout.write(`run: docker compose -f ${files[0]!.path} up --build\n`);
    }
  });
}

async function loadLab(lab: string, stateDir: string): Promise<LabRecord> {
  const name = labName.safeParse(lab);
  if (!name.success)
    throw new CliError(`--lab "${lab}": ${name.error.issues[0]?.message ?? 'not a lab name'}`);
  const { record, warning } = await new LabStore(stateDir).load(lab).catch((error: Error) => {
    throw new CliError(`cannot read the saved lab "${lab}" in ${stateDir}: ${error.message}`);
  });
  if (warning) throw new CliError(warning);
  if (!record)
    throw new CliError(`no saved lab "${lab}" in ${stateDir} (run \`upstream-lab up --lab ${lab}\` first)`);
  return record;
}

function outputs(
  exporters: typeof import('../export'),
  record: LabRecord,
  format: ExportFlags['format'],
  out: string,
): OutputFile[] {
  const { ExportError, exportNginx, exportReport } = exporters;
  try {
    switch (format) {
      case 'nginx':
        return [{ path: out, text: exportNginx(record) }];
      case 'report':
        return [{ path: out, text: exportReport(record, reportFormatOf(out)) }];
      case 'compose':
        return composeOutputs(exporters, record, out);
    }
  } catch (error) {
    if (error instanceof ExportError)
      throw new CliError(`cannot export lab "${record.settings.lab}": ${error.message}`);
    throw error;
  }
}

/** compose.yaml where asked; nginx.conf beside it, where its `./nginx.conf` mount looks. */
function composeOutputs(exporters: typeof import('../export'), record: LabRecord, out: string): OutputFile[] {
  const nginxPath = join(dirname(out), 'nginx.conf');
  if (basename(out) === 'nginx.conf') {
    throw new CliError(`--out ${out}: that is where nginx.conf goes; name the compose file compose.yaml`);
  }
  const [compose, nginx] = exporters.exportCompose(record).files;
  return [
    { path: out, text: compose!.text },
    { path: nginxPath, text: nginx!.text },
  ];
}

const DEFAULT_NAMES: Record<ExportFlags['format'], string> = {
  nginx: 'nginx.conf',
  compose: 'compose.yaml',
  report: 'report.html',
};

async function refuseFolder(path: string, format: ExportFlags['format']): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (info?.isDirectory())
    throw new CliError(
      `--out ${path} is a folder: name a file inside it, e.g. ${join(path, DEFAULT_NAMES[format])}`,
    );
}

async function refuseOverwrite(files: OutputFile[]): Promise<void> {
  const existing: string[] = [];
  for (const file of files) if (await stat(file.path).catch(() => null)) existing.push(file.path);
  if (existing.length === 0) return;
  throw new CliError(
    `${existing.join(' and ')} ${existing.length > 1 ? 'exist' : 'exists'} already: nothing was written. ` +
      'Export to another folder (--out DIR/compose.yaml), or add --force to replace ' +
      (existing.length > 1 ? 'them' : 'it'),
  );
}

export function reportFormatOf(path: string): ReportFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.csv') return 'csv';
  return 'html';
}
