using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// The SDK's searches and reads against a coordinator that loses requests: one that goes unanswered is sent again beside it
/// after the attempt timeout and the first answer wins; a lost connection is sent again at once; an answer the cluster gave,
/// an error included, is returned as it came, without a resend.
/// </summary>
public sealed class SearchResendTests
{
    private static readonly QueryResult Answer = new([7], [0.5f]);

    [Fact]
    public async Task ASearchLostWithItsGatewayIsSentAgainAfterTheAttemptTimeout_AndTheSecondAnswerWins()
    {
        var coordinator = new LossyCoordinator(lose: 1);
        var client = Client(coordinator, attempt: TimeSpan.FromMilliseconds(300));
        QueryResult result = await client.SearchAsync("idx", [1f, 0f], 1, timeout: TimeSpan.FromSeconds(10));
        Assert.Equal(Answer.Ids, result.Ids);
        Assert.Equal(2, coordinator.Calls);
        Assert.True(coordinator.Cancelled >= 1, "the unanswered attempt is cancelled once an answer came");
    }

    [Fact]
    public async Task ASlowSearchIsNotCutShort_ItsOwnAnswerCountsWhenItComesFirst()
    {
        var coordinator = new LossyCoordinator(lose: 0, delay: TimeSpan.FromMilliseconds(500));
        var client = Client(coordinator, attempt: TimeSpan.FromMilliseconds(200));
        QueryResult result = await client.SearchAsync("idx", [1f, 0f], 1, timeout: TimeSpan.FromSeconds(10));
        Assert.Equal(Answer.Ids, result.Ids);
        Assert.InRange(coordinator.Calls, 2, 3);
    }

    [Fact]
    public async Task AnErrorTheClusterAnsweredIsThrownAsItCame_WithoutASecondAttempt()
    {
        var coordinator = new LossyCoordinator(lose: 0, error: new ArgumentException("k must be between 1 and 10,000; got 0."));
        var client = Client(coordinator, attempt: TimeSpan.FromMilliseconds(200));
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => client.SearchAsync("idx", [1f, 0f], 0));
        Assert.Contains("k must be between", refused.Message);
        Assert.Equal(1, coordinator.Calls);
    }

    [Fact]
    public async Task AReadWhoseConnectionFailedIsSentAgainAtOnce()
    {
        var coordinator = new LossyCoordinator(lose: 0, failConnections: 2);
        var client = Client(coordinator, attempt: TimeSpan.FromSeconds(30));
        StoredRow[] rows = await client.GetAsync("idx", [7], timeout: TimeSpan.FromSeconds(10));
        Assert.Equal(7, Assert.Single(rows).Id);
        Assert.Equal(3, coordinator.Calls);
    }

    [Fact]
    public async Task ACoordinatorThatNeverAnswersEndsInTheCallsDeadline()
    {
        var coordinator = new LossyCoordinator(lose: int.MaxValue);
        var client = Client(coordinator, attempt: TimeSpan.FromMilliseconds(100));
        var late = await Assert.ThrowsAsync<TimeoutException>(() => client.SearchAsync("idx", [1f, 0f], 1, timeout: TimeSpan.FromSeconds(1)));
        Assert.Contains("did not complete within 1 s", late.Message);
        Assert.Equal(3, coordinator.Calls);
    }

    private static HyperdClient Client(ISearchCoordinatorGrain coordinator, TimeSpan attempt) =>
        new(CoordinatorFactory.Over(coordinator), new HyperdClientOptions { SearchAttemptTimeout = attempt });

    /// <summary>A coordinator that never answers its first <c>lose</c> calls (until cancelled), fails connections, or errs.</summary>
    private sealed class LossyCoordinator(int lose, TimeSpan delay = default, Exception? error = null, int failConnections = 0)
        : ISearchCoordinatorGrain
    {
        private int _calls;
        private int _cancelled;

        public int Calls => _calls;

        public int Cancelled => _cancelled;

        public Task<SearchResponse> SearchAsync(string index, SearchRequest request, CancellationToken cancellationToken = default) =>
            AnswerAsync(new SearchResponse(1, [Answer]), cancellationToken);

        public Task<StoredRow[]> ReadAsync(string index, ReadRequest request, CancellationToken cancellationToken = default) =>
            AnswerAsync(new[] { new StoredRow(7, null, null) }, cancellationToken);

        public Task<string> WhereAsync(CancellationToken cancellationToken = default) => Task.FromResult("fake");

        private async Task<T> AnswerAsync<T>(T answer, CancellationToken cancellationToken)
        {
            int call = Interlocked.Increment(ref _calls);
            if (call <= failConnections)
            {
                throw new Orleans.Runtime.Messaging.ConnectionFailedException("injected: the gateway went away");
            }

            if (error is not null)
            {
                throw error;
            }

            try
            {
                await Task.Delay(call <= lose ? Timeout.InfiniteTimeSpan : delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _cancelled);
                throw;
            }

            return answer;
        }
    }
}
