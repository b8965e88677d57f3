// Each test class starts a whole stack: on a 2-core machine two at once only slow both down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
