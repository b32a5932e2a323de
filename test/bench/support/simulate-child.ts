/** Runs `simulate` in its own process (child_process.fork): options in by IPC, stats out. */
import { simulate } from '../../../src/simulate/simulator';
import type { SimulationOptions } from '../../../src/simulate/simulator';

process.once('message', (o: Omit<SimulationOptions, 'onProgress' | 'signal'>) => {
  void simulate(o).then((stats) => process.send!(stats, () => process.exit(0)));
});
