"""A character-level causal self-attention model, written the way the attention lessons of
nanoGPT-style courses write it: heads split with view/transpose, a triangular mask with
tril and masked_fill, scores by matmul or einsum, cross-entropy on the flattened logits,
top-k sampling with sort, multinomial-free (argmax) generation, and a few Adam steps."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

text = "hello world, hello attention. " * 4
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
vocab, block, embed, heads = len(chars), 8, 16, 2


class CausalSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(embed, 3 * embed)
        self.proj = nn.Linear(embed, embed)
        self.register_buffer("mask", torch.tril(torch.ones(block, block)).view(1, 1, block, block))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.qkv(x).split(embed, dim=2)
        q = q.view(B, T, heads, C // heads).transpose(1, 2)
        k = k.view(B, T, heads, C // heads).transpose(1, 2)
        v = v.view(B, T, heads, C // heads).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / np.sqrt(k.size(-1)))
        att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = torch.einsum("bhts,bhsd->bhtd", att, v)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.proj(y)


class TinyLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(vocab, embed)
        self.pos = nn.Embedding(block, embed)
        self.attn = CausalSelfAttention()
        self.ln = nn.LayerNorm(embed)
        self.head = nn.Linear(embed, vocab)

    def forward(self, idx, targets=None):
        T = idx.size(1)
        x = self.tok(idx) + self.pos(torch.arange(T))
        x = x + self.attn(self.ln(x))
        logits = self.head(x)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
        return logits, loss


model = TinyLM()
rng = np.random.default_rng(0)
model.load_state_dict(
    {
        name: torch.from_numpy(rng.normal(0.0, 0.2, tuple(t.shape)).astype(np.float32))
        for name, t in model.state_dict().items()
        if name != "attn.mask"
    }
    | {"attn.mask": model.attn.mask}
)
starts = torch.tensor([0, 5, 17, 40, 63, 90])
xb = torch.stack([data[i : i + block] for i in starts.tolist()])
yb = torch.stack([data[i + 1 : i + block + 1] for i in starts.tolist()])

optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
losses = []
for step in range(5):
    logits, loss = model(xb, yb)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())

with torch.no_grad():
    logits, _ = model(xb)
    last = logits[:, -1, :]
    top_values, top_indices = torch.topk(last, 3, dim=-1)
    ranked, order = torch.sort(last, dim=-1, descending=True)
    accuracy = (logits.argmax(dim=-1) == yb).float().mean().item()
    idx = xb[:1]
    for _ in range(4):
        next_logits, _ = model(idx[:, -block:])
        next_id = next_logits[:, -1, :].argmax(dim=-1, keepdim=True)
        idx = torch.cat((idx, next_id), dim=1)

RESULT = {
    "losses": losses,
    "top_values": top_values.tolist(),
    "top_match_sort": bool(torch.equal(top_indices, order[:, :3])),
    "accuracy": accuracy,
    "generated": idx[0].tolist(),
    "grad_norm": float(model.head.weight.grad.norm()),
}
# rtol: 1e-4
