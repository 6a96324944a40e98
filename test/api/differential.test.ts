// Runs the differential suite against raftyard's API over the one-member fake backend.

import { defineDifferentialSuite } from './differential-suite.js';
import { startFakeRaftyardTarget } from './diff-targets.js';

defineDifferentialSuite(startFakeRaftyardTarget);
