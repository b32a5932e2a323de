/**
 * The router's linear learner: an L2-regularised, L2-loss (squared hinge) linear SVM trained by
 * dual coordinate descent with shrinking — the algorithm of Hsieh et al. (ICML 2008), as in
 * LIBLINEAR's `solve_l2r_l1l2_svc` (solver type 1, its default for text).
 *
 * Hand-written on purpose: no maintained npm package trains linear models on sparse,
 * high-dimensional data (ml-logistic-regression and ml-svm want dense matrices, libsvm-js is a
 * kernel SVM compiled from C with no sparse linear solver, natural's classifiers are naive
 * Bayes / dense logistic regression). The solver below is ~60 lines and deterministic.
 */
import { seededRandom } from './random';

/** Rows of a sparse matrix in CSR form: row `i` is `indices/values[rowStart[i] .. rowStart[i+1])`. */
export interface SparseMatrix {
  rows: number;
  /** Number of feature columns (the bias is handled separately). */
  columns: number;
  rowStart: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** Builds a CSR matrix from per-row (index, value) lists. */
export function toSparseMatrix(rows: { indices: ArrayLike<number>; values: ArrayLike<number> }[], columns: number): SparseMatrix {
  let nnz = 0;
  for (const r of rows) nnz += r.indices.length;
  const rowStart = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let at = 0;
  rows.forEach((r, i) => {
    rowStart[i] = at;
    for (let k = 0; k < r.indices.length; k++) {
      indices[at] = r.indices[k];
      values[at] = r.values[k];
      at++;
    }
  });
  rowStart[rows.length] = at;
  return { rows: rows.length, columns, rowStart, indices, values };
}

export interface SvmOptions {
  /** Stopping tolerance on the projected-gradient spread (LIBLINEAR's `-e`, default 0.1). */
  tolerance: number;
  /** Cap on outer passes over the data (LIBLINEAR's default is 1000). */
  maxIterations: number;
  /** Seed of the visiting order. */
  seed: number;
}

/**
 * Trains one binary problem: minimises ½‖w‖² + Σᵢ Cᵢ·max(0, 1 − yᵢ(w·xᵢ + b))² over the rows
 * listed in `subset` (all rows when omitted). The bias `b` is an extra feature of constant value
 * 1, regularised like the others (as LIBLINEAR's `-B 1`).
 *
 * @param targets +1 / −1 per row of `x`.
 * @param costs Cᵢ per row of `x` (the regularisation constant times the example's weight);
 *   rows with Cᵢ ≤ 0 must not be in `subset`.
 * @returns the weights, length `x.columns + 1`, the bias last.
 */
export function trainBinarySvm(
  x: SparseMatrix,
  targets: Int8Array,
  costs: Float64Array,
  options: SvmOptions,
  subset?: Int32Array,
): Float64Array {
  const { rowStart, indices, values } = x;
  const bias = x.columns;
  const w = new Float64Array(x.columns + 1);
  const active = subset ? Int32Array.from(subset) : Int32Array.from({ length: x.rows }, (_, i) => i);
  const n = active.length;
  const alpha = new Float64Array(x.rows);
  const diag = new Float64Array(x.rows); // Dᵢᵢ = 1 / (2Cᵢ) for the squared hinge
  const qd = new Float64Array(x.rows); // Qᵢᵢ + Dᵢᵢ = ‖xᵢ‖² + 1 (bias) + Dᵢᵢ
  for (let s = 0; s < n; s++) {
    const i = active[s];
    diag[i] = 0.5 / costs[i];
    let sq = 1;
    for (let k = rowStart[i]; k < rowStart[i + 1]; k++) sq += values[k] * values[k];
    qd[i] = sq + diag[i];
  }
  const random = seededRandom(options.seed);
  let activeSize = n;
  let pgMaxOld = Infinity;
  for (let iter = 0; iter < options.maxIterations; iter++) {
    for (let s = 0; s < activeSize; s++) {
      const j = s + Math.floor(random() * (activeSize - s));
      const tmp = active[s];
      active[s] = active[j];
      active[j] = tmp;
    }
    let pgMax = -Infinity;
    let pgMin = Infinity;
    for (let s = 0; s < activeSize; s++) {
      const i = active[s];
      const yi = targets[i];
      const start = rowStart[i];
      const end = rowStart[i + 1];
      let g = w[bias];
      for (let k = start; k < end; k++) g += w[indices[k]] * values[k];
      g = yi * g - 1 + diag[i] * alpha[i];
      let pg = g;
      if (alpha[i] === 0) {
        if (g > pgMaxOld) {
          // Shrink: at the bound and likely to stay there.
          activeSize--;
          active[s] = active[activeSize];
          active[activeSize] = i;
          s--;
          continue;
        }
        if (g > 0) pg = 0;
      }
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (pg !== 0) {
        const old = alpha[i];
        alpha[i] = Math.max(old - g / qd[i], 0);
        const d = (alpha[i] - old) * yi;
        if (d !== 0) {
          for (let k = start; k < end; k++) w[indices[k]] += d * values[k];
          w[bias] += d;
        }
      }
    }
    if (pgMax - pgMin <= options.tolerance) {
      if (activeSize === n) break;
      // Converged on the shrunk set: check once more on all rows.
      activeSize = n;
      pgMaxOld = Infinity;
      continue;
    }
    pgMaxOld = pgMax <= 0 ? Infinity : pgMax;
  }
  return w;
}
