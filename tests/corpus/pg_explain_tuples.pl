#!/usr/bin/perl
# Prints one line per plan node of a Pg::Explain expectation file (.expect / .struct,
# a Perl data structure): the eight numbers every node has, in the same format as
# `corpus_check --tuples`, so the two can be compared as sorted lists.
use strict;
use warnings;

my $file = shift or die "usage: $0 FILE.expect\n";
my $data = do $file;
die "cannot read $file: " . ($@ || $!) . "\n" unless ref $data;
$data = $data->{top_node} if exists $data->{top_node};

my @keys = qw(estimated_startup_cost estimated_total_cost estimated_rows estimated_row_width
              actual_time_first actual_time_last actual_rows actual_loops);

sub walk {
    my ($n) = @_;
    print join(' ', map { defined $n->{$_} ? sprintf('%.3f', $n->{$_}) : '-' } @keys), "\n";
    walk($_) for @{ $n->{sub_nodes} || [] }, @{ $n->{initplans} || [] }, @{ $n->{subplans} || [] };
    walk($n->{ctes}{$_}) for sort keys %{ $n->{ctes} || {} };
}
walk($data);
