/** Summary statistics of a handful of runs: robust to the odd run a busy machine slows down. */

export interface Summary {
    median: number;
    min: number;
    max: number;
    q1: number;
    q3: number;
}

/** Quantile with linear interpolation between order statistics (the common "type 7" definition). */
function quantile(sorted: number[], q: number): number {
    const pos = (sorted.length - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(values: number[]): Summary {
    if (values.length === 0) throw new Error("no values to summarize");
    const sorted = [...values].sort((a, b) => a - b);
    return {
        median: quantile(sorted, 0.5),
        min: sorted[0],
        max: sorted[sorted.length - 1],
        q1: quantile(sorted, 0.25),
        q3: quantile(sorted, 0.75),
    };
}

export interface Fit {
    /** Milliseconds per app. */
    slope: number;
    /** Milliseconds at zero apps: the fixed cost. */
    intercept: number;
    /** Share of the variance the line explains; near 1 means linear growth. */
    r2: number;
}

/** Ordinary least squares of y on x. */
export function leastSquares(xs: number[], ys: number[]): Fit {
    const n = xs.length;
    const mx = xs.reduce((a, b) => a + b, 0) / n;
    const my = ys.reduce((a, b) => a + b, 0) / n;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    xs.forEach((x, i) => {
        sxy += (x - mx) * (ys[i] - my);
        sxx += (x - mx) ** 2;
        syy += (ys[i] - my) ** 2;
    });
    const slope = sxx === 0 ? 0 : sxy / sxx;
    const r2 = sxx === 0 || syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
    return { slope, intercept: my - slope * mx, r2 };
}
