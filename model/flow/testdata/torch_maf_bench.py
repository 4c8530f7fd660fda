# The MAF of model/flow (MADE with two ReLU layers -> BatchNorm -> reverse, D inputs, no condition)
# in PyTorch, to time it beside gaiaflow on the same core: training steps (forward, backward,
# Adam) and log p in eval mode, samples per CPU-second on one thread.
# Usage: python3 torch_maf_bench.py D BLOCKS HIDDEN BATCH [STEPS]   (Debian: apt-get install python3-torch)
import time, math, sys
import torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1)
torch.manual_seed(0)

class MaskedLinear(nn.Linear):
    def __init__(self, i, o, mask):
        super().__init__(i, o)
        self.register_buffer('mask', mask)
    def forward(self, x):
        return F.linear(x, self.weight * self.mask, self.bias)

class MADE(nn.Module):
    def __init__(self, D, H):
        super().__init__()
        din = torch.arange(1, D + 1)
        dh = [(torch.arange(H) % max(1, D - 1)) + 1 for _ in range(2)]
        m1 = (dh[0][:, None] >= din[None, :]).float()
        m2 = (dh[1][:, None] >= dh[0][None, :]).float()
        mo = (din[:, None] > dh[1][None, :]).float()
        self.l1 = MaskedLinear(D, H, m1); self.l2 = MaskedLinear(H, H, m2)
        self.lo = MaskedLinear(H, 2 * D, torch.cat([mo, mo]))
    def forward(self, x):
        h = F.relu(self.l1(x)); h = F.relu(self.l2(h))
        m, a = self.lo(h).chunk(2, -1)
        u = (x - m) * torch.exp(-a)
        return u, -a.sum(-1)

class BN(nn.Module):
    def __init__(self, D, eps=1e-5, mom=0.1):
        super().__init__()
        self.lg = nn.Parameter(torch.zeros(D)); self.b = nn.Parameter(torch.zeros(D))
        self.register_buffer('rm', torch.zeros(D)); self.register_buffer('rv', torch.ones(D))
        self.eps, self.mom = eps, mom
    def forward(self, x):
        if self.training:
            m = x.mean(0); v = x.var(0, unbiased=False) + self.eps
            with torch.no_grad():
                self.rm.mul_(1 - self.mom).add_(self.mom * m); self.rv.mul_(1 - self.mom).add_(self.mom * v)
        else:
            m, v = self.rm, self.rv
        y = torch.exp(self.lg) * (x - m) / torch.sqrt(v) + self.b
        return y, (self.lg - 0.5 * torch.log(v)).sum().expand(x.shape[0])

class MAF(nn.Module):
    def __init__(self, D, B, H):
        super().__init__()
        self.layers = nn.ModuleList()
        for _ in range(B):
            self.layers.append(MADE(D, H)); self.layers.append(BN(D))
    def log_prob(self, x):
        ld = torch.zeros(x.shape[0])
        for i, l in enumerate(self.layers):
            x, d = l(x); ld = ld + d
            if isinstance(l, BN):
                x = x.flip(-1)
        return -0.5 * (x ** 2).sum(-1) - 0.5 * x.shape[1] * math.log(2 * math.pi) + ld

D, B, H, N = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
steps = int(sys.argv[5]) if len(sys.argv) > 5 else 10
f = MAF(D, B, H)
opt = torch.optim.Adam(f.parameters(), lr=1e-3)
x = torch.randn(N, D)
f.train()
for _ in range(2):
    opt.zero_grad(); (-f.log_prob(x).mean()).backward(); opt.step()
t = time.process_time()
for _ in range(steps):
    opt.zero_grad(); (-f.log_prob(x).mean()).backward(); opt.step()
tr = N * steps / (time.process_time() - t)
f.eval()
with torch.no_grad():
    f.log_prob(x)
    t = time.process_time()
    for _ in range(steps):
        f.log_prob(x)
    lp = N * steps / (time.process_time() - t)
print(f"torch {torch.__version__} D={D} {B}x{H} batch {N}: training {tr:.0f} samples/cpu-s, log p {lp:.0f} samples/cpu-s")
