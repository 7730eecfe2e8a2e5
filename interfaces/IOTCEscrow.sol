// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IArbitrable} from "@kleros/erc-792/contracts/IArbitrable.sol";
import {IArbitrator} from "@kleros/erc-792/contracts/IArbitrator.sol";
import {IEvidence} from "@kleros/erc-792/contracts/erc-1497/IEvidence.sol";
import {IGoverned} from "./IGoverned.sol";

/// @title IOTCEscrow
/// @notice Stablecoin <-> fiat trades from signed offers, with a 20% seller bond, payment
///         windows, ERC-792 arbitration, chat evidence anchoring and on-chain reputation.
///
/// The trade, step by step:
/// 1. A maker signs an {Offer} (EIP-712, domain "OpenOTC Escrow" version "1", this chain, this
///    contract) and shares it off-chain, or publishes it on-chain with {publishOffer} (an event
///    only). Posting costs nothing: no token moves until someone takes the offer.
/// 2. A taker calls {openTrade} with the offer, its signature and an amount. The crypto seller
///    (the maker of a SellCrypto offer, the taker of a BuyCrypto offer) locks amount + bond
///    (BOND_BPS = 20% of the amount) in the same transaction, pulled through the AssetProxy,
///    which the seller approved once; the token must deliver exactly, in (transferFrom) and out
///    (transfer), or the take is refused. One offer can be taken many times until its maxAmount
///    is used; a cancelled trade gives its amount back to the offer. Both parties' per-trade
///    and rolling 30-day limits (IdentityRegistry) are checked and their volume counted. The
///    trade records the escrow's current dispute policy. State: Funded.
/// 3. The buyer pays fiat off-chain and calls {markPaid} with a payment-reference hash before
///    the offer's payment window ends. State: Paid.
/// 4. The seller confirms receipt with {release}: the amount minus the protocol fee to the
///    buyer, the bond back to the seller. State: Released.
///
/// Timeouts, cancellation and concession:
/// - The buyer may {cancel} at any time before the trade is settled (while Funded, Paid,
///   AwaitingFee or Disputed: a concession); the seller may {cancel} a Funded trade once the
///   payment window has passed without the buyer marking paid. The seller gets amount + bond
///   back; the amount returns to the offer and to both parties' rolling volume.
/// - The seller may {release} at any time before the trade is settled (a concession once a
///   dispute started): it is a normal release and the seller keeps the bond.
/// - Once Paid, the seller has CONFIRMATION_WINDOW to release or dispute. After it, the buyer
///   may take the amount with {releaseAfterTimeout} (the seller's bond still returns to the
///   seller: silence is not proof of cheating) or dispute. The seller may dispute only inside
///   the window; the buyer may dispute at any time while Paid.
///
/// Disputes (ERC-792 / ERC-1497), both sides paying the arbitration fee:
/// - Either party of a Paid trade calls {dispute} with the arbitrator's cost in ETH (the seller
///   only inside the confirmation window). State: AwaitingFee; the other party has FEE_WINDOW
///   (until `deadline`, exclusive) to deposit the cost too with {dispute}, or to concede
///   ({release} by the seller, {cancel} by the buyer: every deposit is returned).
/// - When both deposited, the escrow creates the dispute at the arbitrator (paying one cost;
///   any deposit above the cost is returned). State: Disputed. If the cost rose since the
///   first deposit, that party is given a new FEE_WINDOW to top up instead.
/// - A party that neither pays nor concedes loses by default: from `deadline` on, anyone may
///   call {settleByDefault}, which decides for the party that paid as its ruling would, and
///   returns every deposit.
/// - While Disputed, either party may {appeal} (paying at least the appeal cost; any excess
///   the arbitrator does not take is returned) and either may still concede. A ruling that
///   arrives for a trade already conceded changes nothing.
/// - Rulings: 1 (BUYER_WINS): amount minus fee and the whole bond to the buyer; 2
///   (SELLER_WINS): amount and bond to the seller. The winner gets its fee deposit back (the
///   loser's paid the arbitrator). 0 (refused to arbitrate): the amount is split in half (the
///   odd unit to the seller), no fee, the bond back to the seller, the held deposit split.
/// - The policy jurors apply is the escrow's, set by governance ({setPolicy}: ERC-1497
///   MetaEvidence with id {policyId}); a trade records the policy current when it opens and
///   its dispute points to that one. Neither party chooses it.
/// Every trade ends in exactly one terminal state: Released, Cancelled or Resolved.
///
/// Payments never block on a recipient: a token transfer or ETH payment that fails (a
/// blacklisted account, a contract that refuses ETH) is credited to the recipient, who takes
/// it later with {withdraw}; the other party is paid as usual.
///
/// Storage: each trade is one slot holding the hash of its {Trade} record; every call about a
/// trade passes the record (as emitted in events) and the contract checks it against the hash.
/// The Python SDK (`openotc.escrow`) tracks records from events.
///
/// Nothing privileged moves escrowed funds: governance sets the fee (at most MAX_FEE_BPS) and
/// the dispute policy, both for trades opened afterwards only, and pauses; pausing blocks only
/// {openTrade}. Deposited arbitration fees and credits leave only to their owners. Fees accrue
/// per token and {collectFees} sends them to the treasury fixed at deployment; it cannot touch
/// escrowed amounts, bonds, deposits or credits.
interface IOTCEscrow is IArbitrable, IEvidence, IGoverned {
    /// @notice Which side of the trade the maker takes.
    enum Side {
        SellCrypto, // the maker sells tokens for fiat: the maker is the seller
        BuyCrypto // the maker buys tokens with fiat: the taker is the seller
    }

    enum Status {
        None,
        Funded,
        Paid,
        AwaitingFee, // one party deposited the arbitration fee; the other's window is open
        Disputed, // the dispute is at the arbitrator
        Released,
        Cancelled,
        Resolved
    }

    /// @notice A signed offer. `price` is fiat per whole token with PRICE_DECIMALS decimals;
    ///         `fiatCurrency` an ISO 4217 code ("USD"); `paymentWindow` in seconds;
    ///         `minLevel` the identity level the taker must hold; `expiry` a timestamp (the offer
    ///         can be taken while block.timestamp < expiry).
    struct Offer {
        address maker;
        Side side;
        address token;
        uint256 minAmount;
        uint256 maxAmount;
        bytes3 fiatCurrency;
        uint256 price;
        bytes32 paymentMethodsHash;
        uint32 paymentWindow;
        bytes32 termsHash;
        uint8 minLevel;
        uint64 expiry;
        uint256 nonce;
    }

    /// @notice A trade's record; its hash is what the contract stores.
    struct Trade {
        address seller;
        uint64 paymentDeadline;
        uint16 feeBps;
        Status status;
        bool sellerReviewed;
        address buyer;
        uint64 confirmDeadline;
        bool buyerReviewed;
        address token;
        uint128 amount;
        uint128 bond;
        bytes32 offerHash; // the offer the trade came from
        uint32 policyId; // the dispute policy in force when the trade opened
        uint64 openedAt; // when the trade opened
    }

    /// @notice How much of an offer is taken: `filled` (returned by cancelled trades),
    ///         `takes` (the number of trades opened from it, which numbers trade ids) and
    ///         whether its maker cancelled it.
    struct Fill {
        uint128 filled;
        uint64 takes;
        bool cancelled;
    }

    /// @notice The arbitration fees deposited for a disputed trade, in wei. While AwaitingFee,
    ///         `deadline` ends the fee window of the party `awaitingBuyer` names. Once Disputed,
    ///         `buyer` and `seller` both equal the cost paid and the escrow holds one of them,
    ///         which goes to the winner.
    struct DisputeFees {
        uint128 buyer;
        uint128 seller;
        uint64 deadline;
        bool awaitingBuyer;
    }

    /// @notice An account's rolling volume in one token: `used` as of `updatedAt`; it drains
    ///         linearly, by the account's `perPeriod` limit over each VOLUME_PERIOD.
    struct Volume {
        uint64 updatedAt;
        uint192 used;
    }

    /// @notice Reputation of an account for one token. Ratings are per account: see {ratingOf}.
    struct Stats {
        uint32 tradesCompleted;
        uint32 disputesWon;
        uint32 disputesLost;
        uint160 volume;
    }

    struct Rating {
        uint128 sum;
        uint128 count;
    }

    struct ChatAnchor {
        bytes32 root;
        uint64 messageCount;
    }

    /// @notice One chat message as its transcript's Merkle tree commits to it: its position,
    ///         author and time, and the keccak256 of its text (the text stays off-chain).
    struct ChatMessage {
        uint256 index;
        address sender;
        uint64 sentAt;
        bytes32 textHash;
    }

    // ---------------------------------------------------------------- events

    event OfferPublished(bytes32 indexed offerHash, address indexed maker, Offer offer, bytes signature);
    event OfferCancelled(bytes32 indexed offerHash, address indexed maker);
    event OffersCancelledBelow(address indexed maker, uint256 nonce);

    /// @notice A trade opened; `trade` is its full record (status Funded).
    event TradeOpened(bytes32 indexed tradeId, bytes32 indexed offerHash, address indexed taker, Trade trade);
    event TradePaid(bytes32 indexed tradeId, bytes32 paymentReference, uint64 confirmDeadline);
    event TradeReleased(bytes32 indexed tradeId, address indexed by, uint256 toBuyer, uint256 fee);
    event TradeCancelled(bytes32 indexed tradeId, address indexed by);
    /// @notice `by` deposited `amount` of arbitration fee; the other party has until `deadline`
    ///         (exclusive) to deposit too.
    event DisputeFeePaid(bytes32 indexed tradeId, address indexed by, uint256 amount, uint64 deadline);
    /// @notice Both fees are in: the arbitrator holds dispute `disputeId`.
    event TradeDisputed(bytes32 indexed tradeId, uint256 indexed disputeId, address indexed by);
    /// @notice `by` appealed, and the arbitrator took `cost`.
    event TradeAppealed(bytes32 indexed tradeId, uint256 indexed disputeId, address indexed by, uint256 cost);
    /// @notice The fee window ended unpaid: `ruling` is the paying party's, by default.
    event TradeResolvedByDefault(bytes32 indexed tradeId, uint256 ruling, uint256 toBuyer, uint256 toSeller);
    /// @notice A deposit of arbitration fee (or an appeal overpayment) went back to `to`.
    event FeeDepositReturned(bytes32 indexed tradeId, address indexed to, uint256 amount);
    /// @notice A cancelled trade's amount went back to its offer.
    event OfferRefilled(bytes32 indexed offerHash, bytes32 indexed tradeId, uint256 amount);
    /// @notice A payment `to` could not receive is credited to it (token zero: ETH).
    event PaymentDeferred(address indexed to, address indexed token, uint256 amount);
    /// @notice `account` withdrew its credit of `token` to `to`.
    event Withdrawn(address indexed account, address indexed token, address to, uint256 amount);
    /// @notice Governance set dispute policy `policyId` (also emitted as ERC-1497 MetaEvidence).
    event PolicySet(uint32 indexed policyId, string uri);
    event TradeResolved(
        bytes32 indexed tradeId,
        uint256 indexed disputeId,
        uint256 ruling,
        uint256 toBuyer,
        uint256 toSeller
    );
    event ChatAnchored(bytes32 indexed tradeId, address indexed party, bytes32 root, uint64 messageCount);
    event ReviewLeft(
        bytes32 indexed tradeId,
        address indexed reviewer,
        address indexed subject,
        uint8 rating,
        bytes32 commentHash
    );
    event FeeSet(uint256 feeBps);
    event FeesCollected(address indexed token, address indexed treasury, uint256 amount);
    event Paused(address indexed by);
    event Unpaused();

    // ---------------------------------------------------------------- errors

    error EscrowPaused();
    error EscrowOfferExpired(bytes32 offerHash, uint64 expiry);
    error EscrowOfferCancelled(bytes32 offerHash);
    error EscrowOfferNonceCancelled(uint256 nonce, uint256 minNonce);
    error EscrowInvalidSignature(address maker);
    error EscrowTokenNotListed(address token);
    error EscrowAmountOutOfRange(uint256 amount, uint256 minAmount, uint256 maxAmount);
    /// @notice A take of zero tokens: it would lock nothing and only consume a trade id.
    error EscrowZeroAmount();
    error EscrowOfferOverfilled(bytes32 offerHash, uint256 requested, uint256 remaining);
    error EscrowInvalidPaymentWindow(uint32 paymentWindow);
    error EscrowSelfTrade(address account);
    error EscrowLevelTooLow(address account, uint8 level, uint8 required);
    error EscrowLimitExceeded(address account, uint256 amount, uint256 limit);
    error EscrowFeeOnTransferToken(address token, uint256 expected, uint256 received);
    error EscrowNotMaker(address caller);
    error EscrowNonceNotIncreasing(uint256 nonce, uint256 current);
    error EscrowUnknownTrade(bytes32 tradeId);
    error EscrowTradeMismatch(bytes32 tradeId);
    error EscrowWrongStatus(bytes32 tradeId, Status status);
    error EscrowNotBuyer(address caller);
    error EscrowNotSeller(address caller);
    error EscrowNotParty(address caller);
    error EscrowPaymentWindowClosed(bytes32 tradeId, uint64 closedAt);
    error EscrowPaymentWindowOpen(bytes32 tradeId, uint64 closesAt);
    error EscrowConfirmationWindowOpen(bytes32 tradeId, uint64 closesAt);
    error EscrowConfirmationWindowClosed(bytes32 tradeId, uint64 closedAt);
    error EscrowWrongArbitrationFee(uint256 sent, uint256 cost);
    error EscrowNotArbitrator(address caller);
    error EscrowUnknownDispute(uint256 disputeId);
    error EscrowInvalidRuling(uint256 ruling);
    error EscrowNotSettled(bytes32 tradeId, Status status);
    error EscrowAlreadyReviewed(bytes32 tradeId, address reviewer);
    error EscrowInvalidRating(uint8 rating);
    error EscrowChatCountDecreased(uint64 messageCount, uint64 anchored);
    error EscrowFeeTooHigh(uint256 feeBps, uint256 maxFeeBps);
    error EscrowNothingToCollect(address token);
    error EscrowZeroAddress();
    /// @notice The trade would take `account` past its rolling volume limit of the token.
    error EscrowVolumeLimitExceeded(address account, uint256 amount, uint256 limit, uint256 headroom);
    /// @notice The fee window closed at `closedAt`: the party that paid may settle by default.
    error EscrowFeeWindowClosed(bytes32 tradeId, uint64 closedAt);
    /// @notice The fee window is open until `closesAt`: no default yet.
    error EscrowFeeWindowOpen(bytes32 tradeId, uint64 closesAt);
    /// @notice The fee window waits for the other party, not `caller`.
    error EscrowFeeNotAwaited(bytes32 tradeId, address caller);
    error EscrowNothingToWithdraw(address account, address token);
    error EscrowTransferFailed(address to, uint256 amount);
    /// @notice ETH arrived from `sender`, who is not the arbitrator.
    error EscrowUnexpectedEth(address sender);
    error EscrowEmptyPolicy();

    // ---------------------------------------------------------------- constants

    /// @notice Seller bond in basis points of the trade amount.
    /// @return The bond rate (2_000 = 20%).
    function BOND_BPS() external view returns (uint256);
    /// @notice Hard cap of the protocol fee in basis points.
    /// @return The highest fee governance can set (100 = 1%).
    function MAX_FEE_BPS() external view returns (uint256);
    /// @notice Time the seller has, once the buyer marked paid, to release or dispute.
    /// @return The confirmation window in seconds.
    function CONFIRMATION_WINDOW() external view returns (uint256);
    /// @notice Lower bound of an offer's payment window.
    /// @return The shortest payment window in seconds.
    function MIN_PAYMENT_WINDOW() external view returns (uint256);
    /// @notice Upper bound of an offer's payment window.
    /// @return The longest payment window in seconds.
    function MAX_PAYMENT_WINDOW() external view returns (uint256);
    /// @notice Decimals of {Offer.price}.
    /// @return The number of decimals of a price.
    function PRICE_DECIMALS() external view returns (uint8);
    /// @notice Number of ruling options a dispute offers the arbitrator, besides
    ///         {RULING_REFUSED}: {RULING_BUYER_WINS} and {RULING_SELLER_WINS}.
    /// @return The `choices` passed to {IArbitrator-createDispute} (2).
    function RULING_OPTIONS() external view returns (uint256);
    /// @notice Ruling id of an arbitrator that refused to arbitrate: the buyer gets half the
    ///         amount, the seller the other half and the bond back; no fee is charged.
    /// @return The ruling id (0, reserved by ERC-792).
    function RULING_REFUSED() external view returns (uint256);
    /// @notice Ruling id that pays the buyer the amount less the fee, and the seller's bond.
    /// @return The ruling id (1).
    function RULING_BUYER_WINS() external view returns (uint256);
    /// @notice Ruling id that returns the amount and the bond to the seller.
    /// @return The ruling id (2).
    function RULING_SELLER_WINS() external view returns (uint256);
    /// @notice Time the other party has to deposit its arbitration fee (or concede).
    /// @return The fee window in seconds.
    function FEE_WINDOW() external view returns (uint256);

    // ---------------------------------------------------------------- offers

    /// @notice Emits the offer for relayer-free discovery, after checking its signature.
    /// @param offer The signed offer.
    /// @param signature The maker's EIP-712 signature of `offer` (or EIP-1271 wallet data).
    function publishOffer(Offer calldata offer, bytes calldata signature) external;
    /// @notice Cancels one offer. Maker only.
    /// @param offer The offer to cancel; the caller must be its maker.
    function cancelOffer(Offer calldata offer) external;
    /// @notice Cancels every offer of the caller with a nonce below `nonce`.
    /// @param nonce The caller's new lowest valid nonce; must exceed the current one.
    function cancelOffersBelow(uint256 nonce) external;

    // ---------------------------------------------------------------- trades

    /// @notice Takes `amount` of `offer`; the seller's amount + bond is locked now, pulled
    ///         through the AssetProxy and refused if the token delivers another amount.
    /// @param offer The signed offer to take.
    /// @param signature The maker's signature of `offer`.
    /// @param amount The amount of tokens to trade, within the offer's bounds and remainder.
    /// @return tradeId keccak256(abi.encode(offerHash, number of earlier takes of the offer)).
    function openTrade(
        Offer calldata offer,
        bytes calldata signature,
        uint256 amount
    ) external returns (bytes32 tradeId);
    /// @notice Buyer: fiat sent. Before the payment deadline, while Funded.
    /// @param tradeId The trade.
    /// @param trade The trade's current record (checked against its stored hash).
    /// @param paymentReference The buyer's reference of the fiat payment, for the seller.
    function markPaid(bytes32 tradeId, Trade calldata trade, bytes32 paymentReference) external;
    /// @notice Seller: fiat received, or concedes. Any time before the trade is settled.
    /// @param tradeId The trade.
    /// @param trade The trade's current record.
    function release(bytes32 tradeId, Trade calldata trade) external;
    /// @notice Buyer: the seller stayed silent through the confirmation window after Paid.
    /// @param tradeId The trade.
    /// @param trade The trade's current record.
    function releaseAfterTimeout(bytes32 tradeId, Trade calldata trade) external;
    /// @notice Buyer: any time before the trade is settled (a concession once paid); seller:
    ///         while Funded after the payment deadline.
    /// @param tradeId The trade.
    /// @param trade The trade's current record.
    function cancel(bytes32 tradeId, Trade calldata trade) external;
    /// @notice Deposits the caller's arbitration fee. On a Paid trade either party starts the
    ///         dispute (the seller only inside the confirmation window) with exactly the
    ///         arbitrator's cost. While AwaitingFee, the awaited party deposits what it still
    ///         owes (the cost less what it deposited) before the deadline; when both deposits
    ///         cover the cost the dispute is created at the arbitrator.
    /// @param tradeId The trade.
    /// @param trade The trade's current record.
    function dispute(bytes32 tradeId, Trade calldata trade) external payable;
    /// @notice Anyone, from the fee window's deadline on: decides an AwaitingFee trade for
    ///         the party that paid, and returns every deposit.
    /// @param tradeId The trade.
    /// @param trade The trade's current record.
    function settleByDefault(bytes32 tradeId, Trade calldata trade) external;
    /// @notice Either party of a Disputed trade: appeals the arbitrator's current ruling of
    ///         `disputeId` with at least the arbitrator's {IArbitrator-appealCost}. The escrow
    ///         offers the arbitrator exactly that cost, and the whole payment only if the
    ///         arbitrator refuses the cost alone; whatever the arbitrator does not keep is
    ///         returned to the caller.
    /// @param tradeId The trade.
    /// @param trade The trade's current record.
    /// @param disputeId The arbitrator's dispute of the trade.
    function appeal(bytes32 tradeId, Trade calldata trade, uint256 disputeId) external payable;
    /// @notice Either party: ERC-1497 evidence URI for the trade (Paid, AwaitingFee or Disputed).
    /// @param tradeId The trade.
    /// @param trade The trade's current record.
    /// @param evidence The evidence URI.
    function submitEvidence(bytes32 tradeId, Trade calldata trade, string calldata evidence) external;
    /// @notice Either party: anchors the Merkle root of its chat transcript for the trade.
    ///         A later anchor replaces an earlier one if it covers at least as many messages.
    /// @param tradeId The trade.
    /// @param trade The trade's current record.
    /// @param root The Merkle root of the caller's transcript (see {verifyChatMessage}).
    /// @param messageCount The number of messages the root covers.
    function anchorChat(bytes32 tradeId, Trade calldata trade, bytes32 root, uint64 messageCount) external;
    /// @notice Either party of a Released or Resolved trade, once: rates the other 1-5.
    /// @param tradeId The trade.
    /// @param trade The trade's current record.
    /// @param rating The rating, 1 to 5.
    /// @param commentHash Hash of an off-chain comment (zero for none).
    function review(bytes32 tradeId, Trade calldata trade, uint8 rating, bytes32 commentHash) external;

    // ---------------------------------------------------------------- governance

    /// @notice Takes the caller's credited payments of `token` (zero: ETH), sent to `to`.
    ///         The transfer is not measured: a token that charges on transfer delivers less.
    /// @param token The token, or the zero address for ETH.
    /// @param to The recipient.
    function withdraw(address token, address to) external;

    /// @notice Publishes a new dispute policy (ERC-1497 MetaEvidence), which trades opened from
    ///         now on follow. Governance only.
    /// @param uri The policy's MetaEvidence URI.
    function setPolicy(string calldata uri) external;
    /// @notice Sets the protocol fee for trades opened from now on. Governance only.
    /// @param newFeeBps The fee in basis points of the trade amount, at most {MAX_FEE_BPS}.
    function setFee(uint256 newFeeBps) external;
    /// @notice Stops new trades. Governance or a guardian. Settlement never stops.
    function pause() external;
    /// @notice Lets new trades open again. Governance only.
    function unpause() external;
    /// @notice Sends the accrued fees of `token` to the treasury. Anyone may call.
    /// @param token The token whose fees are collected.
    function collectFees(address token) external;

    // ---------------------------------------------------------------- views

    /// @notice EIP-712 digest of an offer, which its maker signs; also the offer's id.
    /// @param offer The offer.
    /// @return The offer's EIP-712 typed-data hash under this contract's domain.
    function hashOffer(Offer calldata offer) external view returns (bytes32);
    /// @notice Hash of a trade record, as {tradeCommitment} stores it.
    /// @param trade The trade record.
    /// @return keccak256(abi.encode(trade)).
    function hashTrade(Trade calldata trade) external pure returns (bytes32);
    /// @notice Amount of an offer taken by trades not cancelled.
    /// @param offerHash The offer's {hashOffer}.
    /// @return The amount taken (type(uint256).max once cancelled).
    function filled(bytes32 offerHash) external view returns (uint256);
    /// @notice An offer's fill: amount taken, number of takes, cancelled.
    /// @param offerHash The offer's {hashOffer}.
    /// @return The offer's {Fill}.
    function fillOf(bytes32 offerHash) external view returns (Fill memory);
    /// @notice The fee deposits of a trade in AwaitingFee or Disputed.
    /// @param tradeId The trade.
    /// @return Its {DisputeFees} (zero otherwise).
    function disputeFees(bytes32 tradeId) external view returns (DisputeFees memory);
    /// @notice Payments credited to `account` that it has not withdrawn.
    /// @param account The account.
    /// @param token The token (zero: ETH).
    /// @return The amount {withdraw} would send.
    function creditOf(address account, address token) external view returns (uint256);
    /// @notice An account's rolling volume of `token`, as stored (see {volumeHeadroom}).
    /// @param account The account.
    /// @param token The token.
    /// @return Its {Volume}.
    function volumeOf(address account, address token) external view returns (Volume memory);
    /// @notice How much more of `token` the account may trade now under its rolling limit.
    /// @param account The account.
    /// @param token The token.
    /// @return The headroom (type(uint256).max if its level has no rolling limit).
    function volumeHeadroom(address account, address token) external view returns (uint256);
    /// @notice The current dispute policy, which trades opened now record.
    /// @return Its MetaEvidence id.
    function policyId() external view returns (uint32);
    /// @notice A maker's lowest valid offer nonce (see {cancelOffersBelow}).
    /// @param maker The maker.
    /// @return Offers of `maker` with a lower nonce are cancelled.
    function minNonce(address maker) external view returns (uint256);
    /// @notice Stored hash of the trade's current record.
    /// @param tradeId The trade.
    /// @return The record's hash (zero if the trade is unknown).
    function tradeCommitment(bytes32 tradeId) external view returns (bytes32);
    /// @notice An account's trading record in one token.
    /// @param account The account.
    /// @param token The token.
    /// @return The account's completed trades, disputes won and lost, and volume in `token`.
    function statsOf(address account, address token) external view returns (Stats memory);
    /// @notice The reviews an account received, across tokens.
    /// @param account The account.
    /// @return The sum and count of its ratings.
    function ratingOf(address account) external view returns (Rating memory);
    /// @notice The chat transcript a party anchored for a trade.
    /// @param tradeId The trade.
    /// @param party The buyer or the seller.
    /// @return The anchored root and message count (zero if none).
    function chatAnchor(bytes32 tradeId, address party) external view returns (ChatAnchor memory);
    /// @notice Whether `message` is in the chat transcript `party` anchored for the trade. The
    ///         contract computes the leaf itself, keccak256(keccak256(abi.encode(tradeId,
    ///         index, sender, sentAt, textHash))), so neither an inner node of the tree nor a
    ///         message of another trade can pass for a message; pairs are hashed sorted, as
    ///         OpenZeppelin MerkleProof expects. The SDK's `ChatTree` builds roots and proofs.
    /// @param tradeId The trade.
    /// @param party The party whose anchored transcript is checked.
    /// @param message The message.
    /// @param proof The Merkle proof of the message's leaf up to the anchored root.
    /// @return True if the party anchored a root and the proof leads to it.
    function verifyChatMessage(
        bytes32 tradeId,
        address party,
        ChatMessage calldata message,
        bytes32[] calldata proof
    ) external view returns (bool);
    /// @notice The protocol fee of trades opened now.
    /// @return The fee in basis points of the trade amount.
    function feeBps() external view returns (uint256);
    /// @notice Fees accrued in a token and not yet collected.
    /// @param token The token.
    /// @return The amount {collectFees} would send to the treasury.
    function accruedFees(address token) external view returns (uint256);
    /// @notice Whether new trades are stopped.
    /// @return True while paused.
    function paused() external view returns (bool);
    /// @notice The ERC-792 arbitrator of every dispute, fixed at deployment.
    /// @return The arbitrator.
    function arbitrator() external view returns (IArbitrator);
    /// @notice Where collected fees go, fixed at deployment.
    /// @return The treasury address.
    function treasury() external view returns (address);
    /// @notice The trade a dispute of the arbitrator decides.
    /// @param disputeId The arbitrator's dispute id.
    /// @return The trade id (zero if the dispute is not one of this escrow's).
    function tradeOfDispute(uint256 disputeId) external view returns (bytes32);
}
