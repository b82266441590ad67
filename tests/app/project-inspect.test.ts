import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../core/app/app';
import { copyProject } from '../support/projects';

describe('project.inspect: the project read before anything starts (no Docker needed)', () => {
  const removals: Array<() => void> = [];
  afterEach(() => removals.splice(0).forEach((remove) => remove()));
  const course = () => {
    const copy = copyProject('course-repo');
    removals.push(copy.remove);
    return copy.dir;
  };

  it("the course's repository: roles, the lab service, migrations waiting", async () => {
    const app = new App({ stateDir: null });
    const { project, error } = await app.call('project.inspect', { project: course() });
    expect(error).toBeNull();
    expect(project?.source).toBe('compose');
    expect(project?.roles.map((r) => `${r.service}:${r.role}`)).toEqual([
      'nginx:balancer',
      'backend1:replica',
      'backend2:replica',
      'backend3:replica',
      'db:service',
    ]);
    expect(project?.services).toEqual([
      { name: 'db', image: 'postgres:16-alpine', substitute: null, state: 'stopped', addr: null },
    ]);
    expect(project?.migrate.state).toBe('waiting');
    // Nothing was started.
    expect(app.view().state).toBe('idle');
    await app.close();
  });

  it('a compose file with a mistake: FILE:LINE:COL, as the start would say', async () => {
    const dir = course();
    const file = join(dir, 'docker-compose.yml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('    depends_on:\n      - db\n', '    depends_on: 3\n'),
    );
    const app = new App({ stateDir: null });
    const { project, error } = await app.call('project.inspect', { project: dir });
    expect(project).toBeNull();
    expect(error).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: .*depends_on`),
    );
    await app.close();
  });
});
