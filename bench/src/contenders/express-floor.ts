// A reference: the floor's handler mounted in Express 5, to tell what Express costs from what AgentWall does.
import express from 'express';
import { floorHandler } from './floor-handler.js';
import { serve } from './serve.js';

const app = express();
app.use(floorHandler);
await serve(app);
