namespace HyperdOrleans.Cli;

internal static class Program
{
    public static int Main(string[] args) => Hyperd.Run(args);
}
