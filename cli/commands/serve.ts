/** `lobule serve`: the app in a browser where Electron cannot run, bound to 127.0.0.1 and token-protected. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { LobuleError } from '../../engine/errors.js';
import { defineCommand } from './options.js';
import { rendererDistDir } from '../../engine/paths.js';
import { startHttpHost, type HttpHost } from '../../host/http/http-server.js';
import type { UploadOptions } from '../../host/http/uploads.js';
import { DEFAULT_UPLOAD_LIMITS } from '../../engine/api/upload-wire.js';
import { defaultWorkspaceDir, openOrCreateWorkspace } from '../../host/open-workspace.js';
import { LobuleService } from '../../host/service.js';
import { rendererIndexExists } from '../../host/static-files.js';
import { serveTokenFor, userConfigDir } from '../../host/user-config.js';

const DEFAULT_PORT = 7341;

const usage = `Usage: lobule serve [--workspace DIR] [--port P] [--host 127.0.0.1] [--open] [--max-upload-mb N]

Serves the Lobule app to a browser: the built renderer and the engine API over HTTP, for a machine without
Electron or a remote GPU box (reach it through an SSH tunnel: ssh -L ${DEFAULT_PORT}:127.0.0.1:${DEFAULT_PORT} HOST).
Prints the URL to open; it carries a random access token, required on every request. The token of each
workspace is kept (owner-only) in your config folder, so open tabs keep working after a restart.

  --workspace DIR   workspace to open (default: the current folder if it is one, else $LOBULE_WORKSPACE, else
                    the one opened last, else ~/Lobule: created, and the app asks to keep it or choose another)
  --port P          port (default ${DEFAULT_PORT}, or a free one when that is taken; 0 = any free port)
  --host ADDR       address to bind (default 127.0.0.1; anything else exposes the app to your network)
  --open            open the system browser at the URL
  --max-upload-mb N largest file the browser may upload to import (default ${DEFAULT_UPLOAD_LIMITS.maxFileBytes / 2 ** 20})

Ctrl-C stops the server; running jobs are cancelled and the workspace is closed cleanly.`;

function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => console.error(`lobule serve: could not open a browser (${cmd}); open the URL above yourself`));
  child.unref();
}

async function listen(
  service: LobuleService,
  host: string,
  port: number | undefined,
  rendererDir: string | null,
  token: string,
  uploads: UploadOptions,
): Promise<HttpHost> {
  try {
    return await startHttpHost(service, { host, port: port ?? DEFAULT_PORT, rendererDir, token, uploads });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' && port === undefined) return startHttpHost(service, { host, port: 0, rendererDir, token, uploads });
    if (code === 'EADDRINUSE')
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `port ${port} is already in use`,
        'Pick another with --port, or --port 0 for any free one',
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new LobuleError('E_INVALID_ARGUMENT', `cannot bind address ${host}`, 'Use --host 127.0.0.1 or an address of this machine');
    throw e;
  }
}

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'serve the app to a browser (renderer + API on 127.0.0.1, token-protected)',
  usage,
  options: {
    workspace: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    open: { type: 'boolean', default: false },
    'max-upload-mb': { type: 'string' },
  },
  async run({ values }) {
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
      throw new LobuleError('E_INVALID_ARGUMENT', `--port must be 0..65535, got ${values.port}`);
    }
    const host = values.host ?? '127.0.0.1';
    const maxMb = values['max-upload-mb'] === undefined ? undefined : Number(values['max-upload-mb']);
    if (maxMb !== undefined && !(Number.isFinite(maxMb) && maxMb > 0))
      throw new LobuleError('E_INVALID_ARGUMENT', `--max-upload-mb must be a positive number, got ${values['max-upload-mb']}`);
    const uploads = maxMb === undefined ? {} : { limits: { maxFileBytes: Math.floor(maxMb * 2 ** 20) } };
    const dir = values.workspace ?? defaultWorkspaceDir();
    const { workspace, created } = await openOrCreateWorkspace(dir, { byDefault: values.workspace === undefined });
    if (created) console.error(`lobule serve: created a new workspace in ${workspace.dir}`);
    for (const notice of workspace.notices) console.error(`lobule serve: ${notice}`);
    const service = new LobuleService(workspace, { host: 'serve' });
    const rendererDir = rendererDistDir();
    const hasRenderer = await rendererIndexExists(rendererDir);
    if (!hasRenderer)
      console.error(`lobule serve: the renderer is not built (${rendererDir} is missing); run \`npm run build\`. Serving the API only.`);
    let http: HttpHost;
    try {
      // The same token as the last serve of this workspace: tabs opened before a restart stay signed in.
      const token = await serveTokenFor(workspace.dir).catch((e: unknown) => {
        console.error(`lobule serve: could not keep the access token in ${userConfigDir()} (${(e as Error).message}); using a new one`);
        return undefined;
      });
      http = await listen(service, host, port, hasRenderer ? rendererDir : null, token ?? randomBytes(32).toString('hex'), uploads);
    } catch (e) {
      await service.close();
      await workspace.close();
      throw e;
    }
    if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
      console.error(`lobule serve: bound to ${host}: anyone who can reach this address and has the token can use the app`);
    }
    console.log(`Lobule is serving workspace ${workspace.dir} at ${http.pageUrl}`);
    if (values.open) openBrowser(http.pageUrl);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    console.error('lobule serve: stopping');
    await http.close();
    await service.close();
    await service.workspace.close(); // the one open now (workspace.open may have switched)
    return 0;
  },
});
