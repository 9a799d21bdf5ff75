// The remote benchmarks at smoke size (test/bench/smoke.ts).
import { smokeTests } from './smoke.js';

smokeTests('remote');
