// Contenders (c) and (f): AgentWall in Express 5 with the default MemoryStore, as the README mounts it.
import express from 'express';
import { agentwall } from '@agentwall/express';
import { agentwallOptions, describeAgentWall } from './agentwall-options.js';
import { note, serve } from './serve.js';

const options = agentwallOptions();
const firewall = agentwall(options);
note(describeAgentWall(options));
const app = express();
app.use(firewall);
await serve(app, () => firewall.close());
