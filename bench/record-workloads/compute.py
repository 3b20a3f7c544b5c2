"""compute: arithmetic on small ints and floats in tight loops; few
allocations per unit of work (the recorder's best case)."""
total = 0
acc = 0.0
for i in range(1_500_000):
    total += (i * i) % 7
    if i % 3 == 0:
        acc += i / 3.0
print("compute:", total, round(acc))
