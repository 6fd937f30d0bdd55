global using HyperdOrleans.Client;
global using Microsoft.Extensions.VectorData;
global using Xunit;
global using HyperdOrleans.Cluster.Tests;
