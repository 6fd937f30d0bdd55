using System.Runtime.CompilerServices;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// The k-th largest of a set of scores in expected linear time (quickselect, median-of-three pivots), for choosing
/// hundreds of clusters out of thousands: a heap of that size costs a sift per entry. Reorders its input.
/// </summary>
internal static class KthLargest
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Select(Span<float> values, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, values.Length);
        int target = k - 1;
        int low = 0;
        int high = values.Length - 1;
        while (low < high)
        {
            float pivot = MedianOfThree(values[low], values[low + ((high - low) / 2)], values[high]);
            int i = low;
            int j = high;

            // Descending: larger values to the left of the pivot.
            while (i <= j)
            {
                while (values[i] > pivot)
                {
                    i++;
                }

                while (values[j] < pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (target <= j)
            {
                high = j;
            }
            else if (target >= i)
            {
                low = i;
            }
            else
            {
                return values[target];
            }
        }

        return values[target];
    }

    private static float MedianOfThree(float a, float b, float c) =>
        a > b ? (b > c ? b : Math.Min(a, c)) : (a > c ? a : Math.Min(b, c));
}
