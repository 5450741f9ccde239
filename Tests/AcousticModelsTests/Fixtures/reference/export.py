"""Exports the PyTorch reference's forward outputs and gradients on fixed weights, so the
Swift models can be checked against it without torch installed.

usage: python export.py <path to shared/reference> <out dir>
Writes <kind>.txt for lstm, gru, snn, v1, v2: one tensor per line,
  <name> <rows> <cols> <values...>
with ksnn's parameter names (gate blocks concatenated as ksnn stores them):
  init.<param>            weights and buffers before anything ran
  input / targets         x (T*B x D, row t*B+b) and targets (1 x T*B)
  train.logprobs, train.loss, train.grad.<param>   one training-mode pass (dropout 0)
  after.<buffer>          running statistics / EMA ranges after that pass
  eval.logprobs, eval.loss, eval.grad.<param>      one eval-mode pass after it
"""
import sys, torch, torch.nn.functional as F
sys.path.insert(0, sys.argv[1])
import models as M

D, H, K, T, B = 5, 7, 4, 12, 3


def named(m, kind):
    """(ksnn name, tensor) for parameters, then for buffers."""
    spiking = kind in ("snn", "v1", "v2")
    params, bufs = [], []
    for i in range(len(m.W)):
        p = f"layer{i + 1}"
        params.append((p + ".W", m.W[i].weight))
        if kind in ("lstm", "gru"):
            params.append((p + ".U", m.U[i].weight))
        if kind == "v2":
            params.append((p + ".R", m.R[i].weight))
        if kind == "snn":
            params.append((p + ".alpha", m.alpha[i]))
        bns = m.bn[i]
        params.append((p + ".bn.gamma", [b.weight for b in bns]))
        params.append((p + ".bn.beta", [b.bias for b in bns]))
        bufs.append((p + ".bn.running_mean", [b.running_mean for b in bns]))
        bufs.append((p + ".bn.running_var", [b.running_var for b in bns]))
        if spiking:
            s = m.spk[i]
            bufs.append((p + ".spike.ema", [s.ema_min_b, s.ema_max_b, s.ema_min, s.ema_max, s.steps]))
    if spiking:
        s = m.spk_in
        bufs.insert(0, ("encoder.ema", [s.ema_min_b, s.ema_max_b, s.ema_min, s.ema_max, s.steps]))
    params.append(("head.W", m.head.fc.weight))
    params.append(("head.bn.gamma", m.head.bn.weight))
    params.append(("head.bn.beta", m.head.bn.bias))
    bufs.append(("head.bn.running_mean", m.head.bn.running_mean))
    bufs.append(("head.bn.running_var", m.head.bn.running_var))
    return params, bufs


def flat(t):
    if isinstance(t, list):
        return torch.cat([x.detach().reshape(-1) for x in t])
    return t.detach().reshape(-1)


def line(name, t, rows=None):
    v = flat(t).double()
    r = rows or 1
    return f"{name} {r} {v.numel() // r} " + " ".join(repr(float(a)) for a in v.tolist())


def grads_of(params):
    out = []
    for name, t in params:
        if isinstance(t, list):
            out.append((name, [x.grad for x in t]))
        else:
            out.append((name, t.grad))
    return out


def main():
    out_dir = sys.argv[2]
    for kind in ["lstm", "gru", "snn", "v1", "v2"]:
        torch.manual_seed(0)
        m = M.build(kind, D, H, K, dropout=0.0)
        g = torch.Generator().manual_seed(1)
        x = torch.randn(T, B, D, generator=g) * 2
        y = torch.randint(0, K, (T * B,), generator=g)
        params, bufs = named(m, kind)
        lines = [line("init." + n, t) for n, t in params + bufs]
        lines.append(line("input", x.reshape(T * B, D), rows=T * B))
        lines.append(line("targets", y.float()))
        for mode in ("train", "eval"):
            m.train(mode == "train")
            m.zero_grad()
            lp = m(x)
            loss = F.nll_loss(lp, y)
            loss.backward()
            lines.append(line(mode + ".logprobs", lp, rows=T * B))
            lines.append(line(mode + ".loss", loss.reshape(1)))
            lines += [line(f"{mode}.grad.{n}", t) for n, t in grads_of(params)]
            if mode == "train":
                lines += [line("after." + n, t) for n, t in named(m, kind)[1]]
        with open(f"{out_dir}/{kind}.txt", "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
