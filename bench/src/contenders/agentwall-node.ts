// Reference (c'): AgentWall's core on a bare node:http server, with the same plumbing the adapters use and
// no framework: the floor plus AgentWall's own work, so the rows above it separate AgentWall from Express.
import { createAgentWall, isAgentWallPath, toCoreRequest, writeCoreResponse } from '@agentwall/core/node';
import { agentwallOptions, describeAgentWall } from './agentwall-options.js';
import { note, serve } from './serve.js';

const options = agentwallOptions();
const aw = createAgentWall(options);
note(describeAgentWall(options));
await serve(
  (req, res) => {
    const url = req.url ?? '/';
    const fail = (err: unknown): void => {
      console.error(err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    };
    if (!isAgentWallPath(url)) return void res.writeHead(404).end();
    aw.handle(toCoreRequest(req, res, url, undefined)).then((r) => (r ? writeCoreResponse(res, r) : void res.writeHead(404).end()), fail);
  },
  () => aw.close(),
);
