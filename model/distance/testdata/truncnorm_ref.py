# Reference values for truncnorm_test.go: the normal N(mu, 1) truncated to
# x > 0, computed with mpmath at 400 significant digits (Debian python3-mpmath
# 1.2.1). Run: python3 truncnorm_ref.py. The script is ours; the numbers are
# mpmath's.
import mpmath as mp

mp.mp.dps = 400


def Q(y):  # upper tail of the standard normal
    return mp.erfc(y / mp.sqrt(2)) / 2


def moments(mu):
    a = -mu
    lam = mp.npdf(a) / Q(a)
    mean = mu + lam
    var = 1 + a * lam - lam * lam
    return mean, var


def quantile(mu, u):
    a = -mu
    target = mp.log((1 - mp.mpf(u)) * Q(a))
    f = lambda t: mp.log(Q(a + t)) - target
    # bisect on log t, t = x = y - a in (1e-330, 100)
    lo, hi = mp.log(mp.mpf('1e-330')), mp.log(100)
    for _ in range(260):
        mid = (lo + hi) / 2
        if f(mp.exp(mid)) > 0:
            lo = mid
        else:
            hi = mid
    return mp.exp((lo + hi) / 2)


def P(y):  # lower tail of the standard normal
    return mp.erfc(-y / mp.sqrt(2)) / 2


def cdf(mu, x):  # F(x) and 1 - F(x), each without cancellation
    a = -mu
    y = x - mu
    sf = Q(y) / Q(a)
    if mu < 0:  # P(a) is within 1e-545 of 1: take F from the survival
        return 1 - sf, sf
    return (P(y) - P(a)) / Q(a), sf


mus = [-50, -10, -3, 0, 3, 50]
print("// moments: mu, mean, variance")
for mu in [-50, -10, -7, -5.001, -4.999, -3, 0, 3, 50]:
    m, v = moments(mp.mpf(mu))
    print("{%g, %s, %s}," % (mu, mp.nstr(m, 20), mp.nstr(v, 20)))
us = [1e-300, 1e-12, 0.1, 0.5, 0.9, 1 - 2**-40]
print("// quantiles: mu, u, x")
for mu in mus:
    for u in us:
        print("{%d, %r, %s}," % (mu, u, mp.nstr(quantile(mp.mpf(mu), u), 20)))
print("// cdf: mu, x, F, 1-F")
for mu in mus:
    for x in [1e-3, 0.02, 0.5, 1.0, 3.0, abs(mu) + 1]:
        f, sf = cdf(mp.mpf(mu), mp.mpf(x))
        print("{%d, %r, %s, %s}," % (mu, x, mp.nstr(f, 20), mp.nstr(sf, 20)))
