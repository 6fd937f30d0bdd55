global using HyperdOrleans.Client;
global using Xunit;
