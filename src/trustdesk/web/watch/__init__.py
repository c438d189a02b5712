"""Ongoing monitoring: partners re-screened as the lists change, and what each change did."""
