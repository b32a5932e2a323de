/**
 * From per-label SVM scores to confidences: a softmax with one temperature T fitted on
 * out-of-fold scores of the training data (the classifier's internal cross-validation), against
 * targets smoothed by Laplace's rule, so that a small training set whose held-out texts all come
 * out right does not drive T → 0 (and every vague text to confidence ≈ 1).
 *
 * The softmax sees only the gaps between labels: a text that shares a single keyword with one
 * matter and nothing with the others gets a high confidence for it. A model of "is the top
 * label right" that also uses the absolute top score was tried (the one-vs-rest scores say
 * whether any label claims the text at all); on small duty lists it traded such cases for lower
 * confidence on clear messages and was dropped.
 */

/** The fitted calibration, stored with the model. */
export interface Calibration {
  /** Softmax temperature. */
  temperature: number;
}

/** Held-out scores: per example its label scores, true label index and weight. */
export interface OutOfFold {
  scores: Float64Array[];
  labels: number[];
  weights: number[];
}

export function softmax(scores: Float64Array, temperature: number): Float64Array {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  const out = new Float64Array(scores.length);
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    out[c] = Math.exp((scores[c] - max) / temperature);
    sum += out[c];
  }
  for (let c = 0; c < out.length; c++) out[c] /= sum;
  return out;
}

/** Confidences of all labels for one text's scores: they sum to 1. */
export function calibratedProbabilities(scores: Float64Array, calibration: Calibration): Float64Array {
  return softmax(scores, calibration.temperature);
}

/** Fits the temperature; undefined when there are too few held-out examples to say anything. */
export function fitCalibration(oof: OutOfFold, labelCount: number, minExamples: number): Calibration | undefined {
  if (oof.scores.length < minExamples || labelCount < 2) return undefined;
  return { temperature: fitTemperature(oof, labelCount) };
}

/**
 * The T minimising the weighted cross-entropy against smoothed targets (true label 1 − ε, the
 * others share ε, ε = 1/(n + 2)). Convex in β = 1/T, so golden-section search on ln β.
 */
function fitTemperature({ scores, labels, weights }: OutOfFold, K: number): number {
  const epsilon = 1 / (scores.length + 2);
  const loss = (logBeta: number) => {
    const beta = Math.exp(logBeta);
    let total = 0;
    scores.forEach((s, r) => {
      let max = -Infinity;
      let sumScores = 0;
      for (const v of s) {
        if (v > max) max = v;
        sumScores += v;
      }
      let sum = 0;
      for (const v of s) sum += Math.exp(beta * (v - max));
      const logZ = Math.log(sum) + beta * max;
      const trueScore = s[labels[r]];
      const otherMean = (sumScores - trueScore) / (K - 1);
      // −[(1 − ε)·log p(true) + ε·mean log p(other)], log p(c) = β·s_c − log Z
      total += weights[r] * (logZ - (1 - epsilon) * beta * trueScore - epsilon * beta * otherMean);
    });
    return total;
  };
  return 1 / Math.exp(goldenSection(loss, Math.log(0.1), Math.log(1000)));
}

/** Minimum of a unimodal function on [lo, hi] by golden-section search. */
function goldenSection(f: (x: number) => number, lo: number, hi: number): number {
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = hi - phi * (hi - lo);
  let b = lo + phi * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  for (let it = 0; it < 80 && hi - lo > 1e-5; it++) {
    if (fa <= fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = f(b);
    }
  }
  return (lo + hi) / 2;
}
