namespace FedGan.Privacy;

/// <summary>
/// log(1+x) and e^x-1 accurate to a few ulps near 0. .NET's double.LogP1 and double.ExpM1 compute
/// Math.Log(1+x) and Math.Exp(x)-1, which lose every digit for |x| below 1e-16 and most of them
/// near 1e-8; privacy sums hit exactly those arguments.
/// </summary>
internal static class AccurateMath
{
    public static double Log1p(double x)
    {
        // Goldberg's correction: the rounding error of 1+x cancels in x/(u-1).
        var u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    public static double Expm1(double x)
    {
        if (Math.Abs(x) > 0.5)
        {
            return Math.Exp(x) - 1;
        }

        // Kahan's correction: the rounding error of e^x cancels in (u-1)/log(u).
        var u = Math.Exp(x);
        if (u == 1)
        {
            return x;
        }

        return (u - 1) * x / Math.Log(u);
    }
}
