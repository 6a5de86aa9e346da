"""Loads a WaifuLab export into the DCGAN of pytorch/examples dcgan/main.py and compares its outputs with WaifuLab's.

Usage: /usr/bin/python3 check_pytorch_export.py FOLDER
FOLDER holds netG.pt and netD.pt (waifulab export), reference.json ({"nz", "ngf", "ndf"}) and reference.pt
({"z": (N,nz,1,1), "images": WaifuLab's G(z), "d_out": WaifuLab's D logits on those images}).
Needs only Debian's python3-torch (PyTorch 1.13). Prints the largest differences; exits 1 past 1e-5.
"""
import json
import os
import sys

import torch
import torch.nn as nn

folder = sys.argv[1]
with open(os.path.join(folder, "reference.json")) as f:
    meta = json.load(f)
ngpu = 1
nz = int(meta["nz"])
ngf = int(meta["ngf"])
ndf = int(meta["ndf"])
nc = 3


# The two models below are pytorch/examples dcgan/main.py's Generator and Discriminator (BSD-3-Clause), the same
# modules with the same arguments in the same order, reading the same module globals (nz, ngf, ndf, nc): their
# state_dict keys and their computation are main.py's.
class Generator(nn.Module):
    def __init__(self, ngpu):
        super(Generator, self).__init__()
        self.ngpu = ngpu
        self.main = nn.Sequential(
            nn.ConvTranspose2d(     nz, ngf * 8, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 8),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 4),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2,     ngf, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            nn.ConvTranspose2d(    ngf,      nc, 4, 2, 1, bias=False),
            nn.Tanh()
        )

    def forward(self, input):
        if input.is_cuda and self.ngpu > 1:
            output = nn.parallel.data_parallel(self.main, input, range(self.ngpu))
        else:
            output = self.main(input)
        return output


class Discriminator(nn.Module):
    def __init__(self, ngpu):
        super(Discriminator, self).__init__()
        self.ngpu = ngpu
        self.main = nn.Sequential(
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 4),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 8),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False),
            nn.Sigmoid()
        )

    def forward(self, input):
        if input.is_cuda and self.ngpu > 1:
            output = nn.parallel.data_parallel(self.main, input, range(self.ngpu))
        else:
            output = self.main(input)

        return output.view(-1, 1).squeeze(1)


netG = Generator(ngpu)
netG.load_state_dict(torch.load(os.path.join(folder, "netG.pt")), strict=True)
netD = Discriminator(ngpu)
netD.load_state_dict(torch.load(os.path.join(folder, "netD.pt")), strict=True)
netG.eval()
netD.eval()

reference = torch.load(os.path.join(folder, "reference.pt"))
with torch.no_grad():
    images = netG(reference["z"])
    probabilities = netD(reference["images"])
image_diff = (images - reference["images"]).abs().max().item()
d_diff = (probabilities - torch.sigmoid(reference["d_out"])).abs().max().item()
print("torch %s: %d images, max |G diff| %.3g, max |D diff| %.3g" % (torch.__version__, images.shape[0], image_diff, d_diff))
sys.exit(0 if image_diff <= 1e-5 and d_diff <= 1e-5 else 1)
