from django import template

from besace.verify.presentation import endorsement_summary

register = template.Library()
register.filter("endorsement_summary", endorsement_summary)
