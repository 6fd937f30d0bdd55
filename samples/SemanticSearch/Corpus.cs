namespace HyperdOrleans.SemanticSearch;

/// <summary>The sample's documents: short texts in four categories, written for this sample.</summary>
public static class Corpus
{
    public static IReadOnlyList<Article> Articles { get; } =
    [
        .. Category("cooking",
            "Bread dough rises because yeast ferments sugars and releases carbon dioxide that the gluten network traps.",
            "Proof bread dough in a warm, draught-free place until it has roughly doubled in size, usually one to two hours.",
            "A sourdough starter is a culture of wild yeast and lactic acid bacteria fed with flour and water every day.",
            "Searing meat in a very hot pan browns its surface through the Maillard reaction and builds flavour.",
            "Baking powder makes cakes rise in the oven: an acid and a base react and release gas when wet and heated.",
            "Salt pasta water generously; it is the only chance to season the pasta itself.",
            "Caramel forms when sugar is heated until its molecules break down and recombine into brown, bitter-sweet compounds.",
            "Let a roast rest after cooking so the juices settle back into the meat before you carve it.",
            "Whisking egg whites traps air in a foam of stretched proteins; a trace of fat keeps them from stiffening.",
            "Emulsions such as mayonnaise keep oil dispersed in tiny droplets coated by the lecithin of the egg yolk."),
        .. Category("astronomy",
            "Stars rise in the east and set in the west because the Earth rotates on its axis once a day.",
            "A rocket rises because its engines push exhaust downward, and the exhaust pushes the rocket upward in return.",
            "The Moon shows phases as its sunlit half is seen from different angles along its monthly orbit.",
            "A light-year is the distance light travels in one year, about 9.46 trillion kilometres.",
            "Black holes form when massive stars collapse, leaving a region whose gravity lets not even light escape.",
            "Jupiter is the largest planet of the solar system, a gas giant with a storm larger than the Earth.",
            "Tides rise and fall twice a day, pulled mostly by the Moon's gravity on the oceans.",
            "A solar eclipse happens when the Moon passes between the Sun and the Earth and casts its shadow on us.",
            "Galaxies recede from each other as the universe expands, which stretches their light toward the red.",
            "Comets grow bright tails of gas and dust when their ice warms up near the Sun."),
        .. Category("finance",
            "Prices rise during inflation when more money chases the same amount of goods and services.",
            "Central banks raise interest rates to cool inflation by making borrowing more expensive.",
            "A bond pays a fixed coupon; when market interest rates rise, the price of existing bonds falls.",
            "Diversifying a portfolio across many assets lowers the risk that one failure ruins the whole.",
            "Compound interest earns interest on past interest, so savings grow faster the longer they stay invested.",
            "Stock prices rise when investors expect a company's future profits to grow.",
            "An index fund holds every stock of a market index and charges low fees for tracking it.",
            "A budget lists expected income and spending so that a household can plan its savings.",
            "Exchange rates move with interest rates, trade balances and what markets expect of a currency.",
            "Mortgage payments split into interest and principal; early payments are mostly interest."),
        .. Category("health",
            "Regular aerobic exercise strengthens the heart and lowers resting blood pressure.",
            "Adults need seven to nine hours of sleep a night for memory, mood and the immune system.",
            "Blood sugar rises after a meal rich in refined carbohydrates, and insulin brings it back down.",
            "Drinking enough water matters most in heat and during exercise, when the body loses it as sweat.",
            "Vaccines train the immune system to recognise a pathogen without causing the disease.",
            "Stretching after exercise keeps muscles and joints supple and may ease stiffness.",
            "A fever is the body raising its temperature to fight an infection.",
            "Vitamin D is made in the skin in sunlight and helps the body absorb calcium for strong bones.",
            "Washing hands with soap removes germs and is one of the best ways to stop infections from spreading.",
            "Chronic stress keeps cortisol high, which can disturb sleep, digestion and blood pressure."),
    ];

    private static IEnumerable<Article> Category(string category, params string[] texts) =>
        texts.Select((text, i) => new Article { Id = $"{category}-{i + 1:D2}", Category = category, Text = text });
}
