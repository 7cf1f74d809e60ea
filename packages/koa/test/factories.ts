// The koa host apps every adapter suite runs against: both major versions, mounted or not, with or without a body parser.
import Koa3 from 'koa';
import Koa2 from 'koa2';
import mount from 'koa-mount';
import { bodyParser } from '@koa/bodyparser';
import { agentwall } from '../src/index.js';
import { serveApp, type AppFactory } from '../../core/test/support/harness.js';

function factory(name: string, Koa: typeof Koa3): AppFactory {
  return {
    name,
    async make(options, setup) {
      const app = new Koa();
      app.silent = true;
      if (setup.preParse) app.use(bodyParser({ jsonLimit: '20mb' }) as Koa3.Middleware);
      const mw = agentwall(options);
      app.use((setup.mount ? mount(setup.mount, mw as unknown as Koa3.Middleware) : mw) as Koa3.Middleware);
      app.use(async (ctx) => {
        if (ctx.path === '/hello') {
          ctx.body = 'host says hello';
          return;
        }
        ctx.status = 404;
        ctx.body = { host: 'not found' };
      });
      return serveApp(app.callback(), mw);
    },
  };
}

/** One factory per supported major version. */
export const factories: AppFactory[] = [
  factory('koa 3', Koa3),
  factory('koa 2', Koa2 as unknown as typeof Koa3),
];
