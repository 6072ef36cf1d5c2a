"""A tiny calculator: the repository R1's example tasks change."""


def add(a, b):
    return a + b


def sub(a, b):
    return a - b
