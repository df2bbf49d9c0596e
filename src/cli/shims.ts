// rolecall shims install|uninstall|list [DIR]: the old tools' command names, opt-in
import { defaultShimDir, findOnPath, installShims, SHIM_TOOLS, uninstallShims } from '../app/shims';
import { rolecallArgv } from '../app/setup';
import { selfInvocation } from '../platform/self';
import { RolecallError } from '../errors';
import type { Command } from './command';

const ACTIONS = ['install', 'uninstall', 'list'];

export const command: Command = {
  name: 'shims',
  usage: 'rolecall shims install|uninstall|list [DIR]',
  options: {},
  help: `Small executables named after the tools rolecall replaces, so that their command lines keep
working once those tools are uninstalled: credential_process = aws-oidc auth google, aws-cli-oidc
get-cred -p myop -r ROLE -j -s -d 43200, aws-runas my-role aws s3 ls, eval $(assume-role production read),
and \`source $(which assume-role)\` in ~/.zshrc (which defines the assume-role function).

  ${SHIM_TOOLS.join(', ')}

Actions:
  install [DIR]     write the shims into DIR (default: ~/.local/bin when it is on PATH, else the first
                    directory on PATH under your home that rolecall can write). A file there that is
                    not a rolecall shim (the old tool itself) is never overwritten: nothing is written.
  uninstall [DIR]   remove rolecall's shims from DIR (default: from every directory on PATH); other
                    files stay
  list              each old command name on PATH, in the order the shell finds them, and which are
                    rolecall's shims

\`rolecall doctor\` says when an old tool comes before a shim on PATH (the old tool still runs).`,
  async run(parsed, ctx) {
    const [action, dir, ...extra] = parsed.positionals;
    if (action === undefined || !ACTIONS.includes(action) || extra.length || (action === 'list' && dir !== undefined)) {
      throw new RolecallError('USAGE', action === undefined || ACTIONS.includes(action) ? `rolecall shims takes ${ACTIONS.join(', ')} and at most a DIR` : `rolecall shims does not know "${action}"`, {
        hint: `Usage: ${command.usage}`,
      });
    }
    if (action === 'install') {
      const report = installShims(dir ?? defaultShimDir(ctx.env, ctx.home), rolecallArgv(ctx.env, selfInvocation()), ctx.env);
      ctx.log.info(`Wrote ${report.written.join(', ')}.`);
      if (!report.onPath) ctx.log.warn(`${report.dir} is not on your PATH: add it, or the shims will not be found by name.`);
      return 0;
    }
    if (action === 'uninstall') {
      const removed = uninstallShims(dir, ctx.env);
      ctx.log.info(removed.length ? `Removed ${removed.join(', ')}.` : `No rolecall shims ${dir === undefined ? 'on your PATH' : `in ${dir}`}.`);
      return 0;
    }
    for (const tool of SHIM_TOOLS) {
      const found = findOnPath(tool, ctx.env);
      if (found.length === 0) ctx.stdout(`${tool}\tnot on PATH\n`);
      for (const [i, f] of found.entries()) ctx.stdout(`${tool}\t${f.path}\t${f.shim ? 'rolecall shim' : 'another program'}${i === 0 ? '' : ' (shadowed)'}\n`);
    }
    return 0;
  },
};
