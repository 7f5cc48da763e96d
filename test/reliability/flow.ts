// The shared end of every scenario: calm the network, check the invariants, clean up with
// `instances destroy --all --yes`, check again, and add the scenario's row to the matrix
// (a failing scenario gets a FAILED row, so the matrix never hides one).
import { checkInvariants, destroyAllAndCheck, type RunRecord } from "./invariants.js";
import { Scenario } from "./harness.js";
import { callSummary, printMatrixAtEnd, recordRow, rowCount } from "./matrix.js";

export interface Verify {
  scenario: string;
  runs: RunRecord[];
  /** What the run(s) did, in a few words (exit codes, counts). */
  outcome: string;
  /** sc.mark() taken when the create run(s) had ended. */
  createdUntil: number;
  /** False when a run died without naming its batch (SIGKILL). */
  allBatchesKnown?: boolean;
}

export async function verifyAndCleanUp(sc: Scenario, v: Verify): Promise<void> {
  sc.calm();
  try {
    const inv = await checkInvariants(sc, v.runs, v.allBatchesKnown ?? true, v.createdUntil);
    const destroyed = await destroyAllAndCheck(sc);
    recordRow({
      scenario: v.scenario,
      outcome: `${v.outcome}; listed ${inv.listed}/${inv.launched}, destroyed ${destroyed}`,
      create: callSummary(sc.sim.log, 0, v.createdUntil),
      cleanup: callSummary(sc.sim.log, inv.listFrom),
    });
  } catch (err) {
    recordFailure(v.scenario, err);
    throw err;
  }
}

export function recordFailure(scenario: string, err: unknown): void {
  recordRow({ scenario, outcome: `FAILED: ${String((err as Error)?.message ?? err).split("\n")[0]}`, create: "-", cleanup: "-" });
}

/** Every reliability file prints the matrix at the very end of the run (registered once). */
printMatrixAtEnd();

/** Call inside a describe: a test that fails before recording its row still gets a FAILED row. */
export function matrixRowPerTest(): void {
  let before = 0;
  beforeEach(() => {
    before = rowCount();
  });
  afterEach(function () {
    const t = this.currentTest;
    if (t?.state === "failed" && rowCount() === before) recordFailure(t.title.split(":")[0]!, t.err);
  });
}

/**
 * Per-file set-up of a scenario file: a matrix row per test, and each test's scenario closed
 * after it (pass or fail). Returns the function that starts a test's scenario.
 */
export function scenarioPerTest(): (o: Parameters<typeof Scenario.start>[0]) => Promise<Scenario> {
  matrixRowPerTest();
  let current: Scenario | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (o) => (current = await Scenario.start(o));
}

/** Sorted `ids` of instances in the simulator matching `pred`. */
export function idsWhere(sc: Scenario, pred: (i: ReturnType<Scenario["launched"]>[number]) => boolean): string[] {
  return sc
    .launched()
    .filter(pred)
    .map((i) => i.instanceId)
    .sort();
}
