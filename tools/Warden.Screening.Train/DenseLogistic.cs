namespace Warden.Screening.Train;

/// <summary>Class-balanced, L2-regularised logistic regression for a handful of dense features (Newton's method).</summary>
internal static class DenseLogistic
{
    public static (float[] Weights, float Bias) Fit(IReadOnlyList<float[]> x, IReadOnlyList<bool> y, double l2)
    {
        var d = x[0].Length;
        var n = x.Count;
        var pos = y.Count(v => v);
        double wPos = n / (2.0 * Math.Max(1, pos)), wNeg = n / (2.0 * Math.Max(1, n - pos));
        var beta = new double[d + 1]; // last = bias
        for (var iter = 0; iter < 50; iter++)
        {
            var grad = new double[d + 1];
            var hess = new double[d + 1, d + 1];
            for (var i = 0; i < n; i++)
            {
                var z = beta[d];
                for (var j = 0; j < d; j++)
                {
                    z += beta[j] * x[i][j];
                }

                var p = 1 / (1 + Math.Exp(-z));
                var w = y[i] ? wPos : wNeg;
                var r = w * (p - (y[i] ? 1 : 0));
                var h = w * p * (1 - p);
                for (var j = 0; j <= d; j++)
                {
                    var xj = j == d ? 1 : x[i][j];
                    grad[j] += r * xj;
                    for (var k = 0; k <= j; k++)
                    {
                        hess[j, k] += h * xj * (k == d ? 1 : x[i][k]);
                    }
                }
            }

            for (var j = 0; j < d; j++)
            {
                grad[j] += l2 * n * beta[j];
                hess[j, j] += l2 * n;
            }

            hess[d, d] += 1e-9 * n;
            for (var j = 0; j <= d; j++)
            {
                for (var k = j + 1; k <= d; k++)
                {
                    hess[j, k] = hess[k, j];
                }
            }

            var step = Solve(hess, grad);
            var norm = 0.0;
            for (var j = 0; j <= d; j++)
            {
                beta[j] -= step[j];
                norm += step[j] * step[j];
            }

            if (norm < 1e-14)
            {
                break;
            }
        }

        return (beta.Take(d).Select(b => (float)b).ToArray(), (float)beta[d]);
    }

    private static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var v = (double[])b.Clone();
        for (var c = 0; c < n; c++)
        {
            var piv = c;
            for (var r = c + 1; r < n; r++)
            {
                if (Math.Abs(m[r, c]) > Math.Abs(m[piv, c]))
                {
                    piv = r;
                }
            }

            for (var k = 0; k < n; k++)
            {
                (m[c, k], m[piv, k]) = (m[piv, k], m[c, k]);
            }

            (v[c], v[piv]) = (v[piv], v[c]);
            for (var r = c + 1; r < n; r++)
            {
                var f = m[r, c] / m[c, c];
                for (var k = c; k < n; k++)
                {
                    m[r, k] -= f * m[c, k];
                }

                v[r] -= f * v[c];
            }
        }

        var x = new double[n];
        for (var r = n - 1; r >= 0; r--)
        {
            var s = v[r];
            for (var k = r + 1; k < n; k++)
            {
                s -= m[r, k] * x[k];
            }

            x[r] = s / m[r, r];
        }

        return x;
    }
}
