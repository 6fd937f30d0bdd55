// Placeholder: the silo host is written in the Orleans issue.
Console.WriteLine("HyperdOrleans silo");
