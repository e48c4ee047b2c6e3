/*
 * net.h - free TCP ports for the tests' private daemons (pcscd's vpcd
 * reader, the SSH tests' sshd).
 *
 * Nothing here uses cmocka, so the bench can use it too.
 */
#ifndef TESTS_NET_H
#define TESTS_NET_H

/* The first of n (1..100) consecutive TCP ports that nothing is bound to
 * on any address right now, picked at random in 20000-29999: away from
 * the daemons' default ports and the kernel's ephemeral range (from
 * 32768), so that tests running at the same time seldom pick the same.
 * -1 when no such run was found. */
int net_free_ports(int n);

#endif
