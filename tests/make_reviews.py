#!/usr/bin/env python3
"""Writes a synthetic labelled review set (CSV: review, sentiment) for the CLI test: sentiment
words of one polarity, sometimes one of the other, among neutral filler. Seeded."""
import random, sys
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
pos = ["great", "tasty", "delicious", "fresh", "friendly", "lovely", "amazing", "perfect"]
neg = ["bland", "cold", "rude", "stale", "awful", "slow", "greasy", "overpriced"]
filler = "the food was and service at this place we ordered a table for two with our dinner it came quickly".split()
with open(sys.argv[1], "w") as f:
    f.write("review,sentiment\n")
    for _ in range(3000):
        label = random.random() < 0.5
        words = [random.choice(filler) for _ in range(random.randint(8, 20))]
        for _ in range(random.randint(1, 3)):
            words.insert(random.randrange(len(words)), random.choice(pos if label else neg))
        if random.random() < 0.3:
            words.insert(random.randrange(len(words)), random.choice(neg if label else pos))
        f.write('"%s",%s\n' % (" ".join(words).capitalize() + ".", "positive" if label else "negative"))
