// The express host apps every adapter suite runs against: both major versions, mounted or not, with or without a body parser.
import express5 from 'express';
import express4 from 'express4';
import { agentwall } from '../src/index.js';
import { serveApp, type AppFactory } from '../../core/test/support/harness.js';

function factory(name: string, express: typeof express5): AppFactory {
  return {
    name,
    async make(options, { mount, preParse }) {
      const app = express();
      if (preParse) app.use(express.json({ limit: '20mb' }));
      const mw = agentwall(options);
      if (mount) app.use(mount, mw);
      else app.use(mw);
      app.get('/hello', (_req, res) => {
        res.send('host says hello');
      });
      app.use((_req: express5.Request, res: express5.Response) => {
        res.status(404).json({ host: 'not found' });
      });
      return serveApp(app, mw);
    },
  };
}

/** One factory per supported major version. */
export const factories: AppFactory[] = [
  factory('express 5', express5),
  factory('express 4', express4 as unknown as typeof express5),
];
