"""Handing over academy accounts when runners leave, and adding replacement runners."""

from bot.features.handover.feature import HandoverFeature

__all__ = ["HandoverFeature"]
